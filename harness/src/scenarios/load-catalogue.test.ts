import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { isBacksideError } from "../errors.js";
import { loadCatalogue, readCatalogue, scenariosToRun } from "./load-catalogue.js";
import { loadScenario, MAX_SCENARIO_BYTES } from "./load-scenario.js";

const minimal = "description: x\nexpect: healthy\n";

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isBacksideError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a BacksideError");
}

/** A folder with two valid and two broken scenario files; paths shown as the loader shows them. */
function folder() {
  const dir = mkdtempSync(join(tmpdir(), "scen-"));
  writeFileSync(join(dir, "good.yaml"), minimal);
  writeFileSync(join(dir, "other.yaml"), minimal);
  writeFileSync(join(dir, "bad-one.yaml"), "description: x\n");
  writeFileSync(join(dir, "bad-two.yaml"), minimal + "expect: tcp.refused\n");
  const shown = (n: string) => {
    const rel = relative(process.cwd(), join(dir, n));
    return rel.startsWith("..") ? join(dir, n) : rel;
  };
  return { dir, shown };
}

describe("scenario catalogue with broken files", () => {
  it("reports every broken file at once, one line each", () => {
    const { dir, shown } = folder();
    const e = errorOf(() => loadCatalogue(dir));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toBe(
      [
        `${shown("bad-one.yaml")}: expect is required`,
        `${shown("bad-two.yaml")}:3:1: not valid YAML: key 'expect' appears twice in one mapping (first on line 2)`,
      ].join("\n"),
    );
  });

  it("keeps the valid scenarios beside the broken ones", () => {
    const c = readCatalogue(folder().dir);
    expect(c.scenarios.map((s) => s.name)).toEqual(["good", "other"]);
    expect(c.broken.map((b) => b.name)).toEqual(["bad-one", "bad-two"]);
  });

  it("runs named valid scenarios and warns about each broken file", () => {
    const { dir, shown } = folder();
    const warnings: string[] = [];
    const picked = scenariosToRun(readCatalogue(dir), ["good"], (l) => warnings.push(l));
    expect(picked.map((s) => s.name)).toEqual(["good"]);
    expect(warnings).toEqual([
      `warning: ${shown("bad-one.yaml")}: expect is required (not run)`,
      `warning: ${shown("bad-two.yaml")}:3:1: not valid YAML: key 'expect' appears twice in one mapping (first on line 2) (not run)`,
    ]);
  });

  it("refuses a run that names a broken scenario, or all of them", () => {
    const { dir, shown } = folder();
    const c = readCatalogue(dir);
    expect(errorOf(() => scenariosToRun(c, ["good", "bad-one"], () => undefined)).message).toBe(
      `${shown("bad-one.yaml")}: expect is required`,
    );
    expect(errorOf(() => scenariosToRun(c, "all", () => undefined)).message.split("\n")).toHaveLength(2);
  });
});

describe("scenario file size", () => {
  it("refuses a file over 1 MB in one line, before parsing it", () => {
    const dir = mkdtempSync(join(tmpdir(), "scen-"));
    const f = join(dir, "huge.yaml");
    writeFileSync(f, minimal + "# " + "x".repeat(MAX_SCENARIO_BYTES) + "\n");
    const e = errorOf(() => loadScenario(f));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toBe(
      `${f}: 1048610 bytes is more than a scenario file may have (1 MB); is it the right file?`,
    );
  });
});

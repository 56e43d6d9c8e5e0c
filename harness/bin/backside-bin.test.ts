/**
 * harness/bin/backside.js picks the compiled CLI when its build is current and the TypeScript
 * sources otherwise. Checked on a copy of the bin in a scratch tree whose two entry points only
 * say which one ran.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const tree = mkdtempSync(join(tmpdir(), "backside-bin-"));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

const entry = (which: string) =>
  `export async function main() { process.stdout.write("${which}\\n"); return 0; }\nexport function reportError() { return 70; }\n`;

function setUp(): void {
  mkdirSync(join(tree, "harness/bin"), { recursive: true });
  mkdirSync(join(tree, "harness/src/cli"), { recursive: true });
  mkdirSync(join(tree, "dist/cli"), { recursive: true });
  copyFileSync(join(ROOT, "harness/bin/backside.js"), join(tree, "harness/bin/backside.js"));
  symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
  writeFileSync(join(tree, "package.json"), JSON.stringify({ name: "backside", type: "module" }));
  writeFileSync(join(tree, "harness/src/cli/main.ts"), entry("source"));
  writeFileSync(join(tree, "dist/cli/main.js"), entry("build"));
}

function ran(env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [join(tree, "harness/bin/backside.js")], {
    encoding: "utf8",
    env: { ...process.env, BACKSIDE_FROM_SOURCE: "", ...env },
    timeout: 30_000,
  });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

const stamp = () => join(tree, "dist/.build-stamp");
const at = (f: string, s: number) => utimesSync(f, s, s);

describe("harness/bin/backside.js", { timeout: 60_000 }, () => {
  it("runs the sources without a build, the build once it is current, the sources after an edit", () => {
    setUp();
    const now = Date.now() / 1000;
    at(join(tree, "harness/src/cli/main.ts"), now - 100);
    at(join(tree, "harness/src/cli"), now - 100);
    at(join(tree, "harness/src"), now - 100);
    expect(ran()).toBe("source");
    writeFileSync(stamp(), "");
    at(stamp(), now - 50);
    expect(ran()).toBe("build");
    expect(ran({ BACKSIDE_FROM_SOURCE: "1" })).toBe("source");
    at(join(tree, "harness/src/cli/main.ts"), now);
    expect(ran()).toBe("source");
  });

  it("runs the sources after an edit in a workspace package (harness/tcpdump-wrapper)", () => {
    const pkg = join(tree, "harness/tcpdump-wrapper/src");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "index.ts"), "export {};\n");
    const now = Date.now() / 1000;
    for (const f of [
      "harness/src/cli/main.ts",
      "harness/src/cli",
      "harness/src",
      "harness/tcpdump-wrapper/src/index.ts",
    ])
      at(join(tree, f), now - 100);
    at(pkg, now - 100);
    at(stamp(), now - 50);
    expect(ran()).toBe("build");
    at(join(pkg, "index.ts"), now);
    expect(ran()).toBe("source");
  });

  it("runs the build when there are no sources (an installed package)", () => {
    rmSync(join(tree, "harness/src"), { recursive: true, force: true });
    expect(ran()).toBe("build");
  });
});

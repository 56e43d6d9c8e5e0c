import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBacksideError } from "../errors.js";
import { JsonReporter } from "./json-reporter.js";
import { JUnitReporter } from "./junit-reporter.js";
import { HtmlReporter } from "./html-reporter.js";
import { ReporterMultiplexer } from "./multiplexer.js";
import { mergeReports } from "./merge-reports.js";
import { confusionMatrix } from "./confusion-matrix.js";
import { result } from "./testing/synthetic-run.js";
import type { ScenarioRunResult } from "../runner/result-types.js";

const tmp = () => mkdtempSync(join(tmpdir(), "merge-"));
const reporters = (origin = {}) =>
  new ReporterMultiplexer([new JsonReporter(undefined, origin), new JUnitReporter(), new HtmlReporter()]);

/** A report folder as `run` writes it: bundles with result.json, then the three reports. */
async function reportFolder(rs: ScenarioRunResult[], shard?: { index: number; total: number }) {
  const dir = tmp();
  const rep = reporters({ shard });
  const startedAt = "2026-11-25T02:00:00.000Z";
  const planned = rs.map((r) => ({ id: r.id, scenario: r.scenario, repeat: r.repeat, expected: r.expected }));
  await rep.onRunStart({ startedAt, reportDir: dir, planned, parallel: 2, repeats: 1 });
  for (const r of rs) {
    mkdirSync(join(dir, r.bundle));
    writeFileSync(join(dir, r.bundle, "result.json"), JSON.stringify(r));
    writeFileSync(join(dir, r.bundle, "gateway.log"), `log of ${r.id}\n`);
    await rep.onScenarioEnd(r);
  }
  await rep.onRunEnd({
    startedAt,
    finishedAt: "2026-11-25T02:01:00.000Z",
    wallMs: 60_000,
    reportDir: dir,
    results: rs,
    interrupted: false,
    notRun: [],
    parallel: 2,
    repeats: 1,
  });
  return dir;
}

const ok = result("healthy", "healthy", "healthy");
const wrong = result("dns-nxdomain", "dns.nxdomain", "dns.servfail");
const refused = result("tcp-refused", "tcp.refused", "tcp.refused");

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isBacksideError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a BacksideError");
}

describe("backside merge", () => {
  it("writes what one run of the same scenarios writes: verdicts, counts, matrix, bundles", async () => {
    const whole = await reportFolder([wrong, ok, refused]);
    const a = await reportFolder([wrong], { index: 1, total: 2 });
    const b = await reportFolder([ok, refused], { index: 2, total: 2 });
    const out = join(tmp(), "merged");
    const warnings: string[] = [];
    const s = await mergeReports({
      dirs: [a, b],
      outDir: out,
      reporter: reporters(),
      warn: (l) => warnings.push(l),
    });
    expect(warnings).toEqual([]);
    const one = JSON.parse(readFileSync(join(whole, "report.json"), "utf8"));
    const merged = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const verdicts = (d: { results: { id: string; diagnosed: string; status: string }[] }) =>
      d.results.map((r) => `${r.id} ${r.diagnosed} ${r.status}`).sort();
    expect(verdicts(merged)).toEqual(verdicts(one));
    expect(merged.counts).toEqual(one.counts);
    expect(merged).toMatchObject({ complete: true, shard: null });
    expect(confusionMatrix(s.results)).toEqual(confusionMatrix([wrong, ok, refused]));
    // The bundles travel with the report, so its relative links hold.
    expect(readFileSync(join(out, "tcp-refused", "gateway.log"), "utf8")).toBe("log of tcp-refused\n");
    expect(merged.results.find((r: { id: string }) => r.id === "healthy").bundle).toBe("healthy");
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit).toMatch(/failures="1"/);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("1 mismatched");
    expect(html).toContain("synthetic tcp-refused");
  });

  it("warns when a share of the split is not among the folders", async () => {
    const a = await reportFolder([wrong], { index: 1, total: 3 });
    const warnings: string[] = [];
    await mergeReports({
      dirs: [a],
      outDir: join(tmp(), "m"),
      reporter: reporters(),
      warn: (l) => warnings.push(l),
    });
    expect(warnings).toEqual(["merge: shard 2/3, 3/3 not given; the merged report is not the whole run"]);
  });

  it("refuses the same run in two folders, naming both", async () => {
    const a = await reportFolder([ok]);
    const b = await reportFolder([ok]);
    const e = await failure(mergeReports({ dirs: [a, b], outDir: join(tmp(), "m"), reporter: reporters() }));
    expect(e).toEqual({ code: "INVALID_INPUT", message: `merge: healthy is in both ${a} and ${b}` });
  });

  it("refuses a missing folder, a folder without report.json, and another schema, in one line each", async () => {
    const none = join(tmp(), "none");
    expect(
      await failure(mergeReports({ dirs: [none], outDir: join(tmp(), "m"), reporter: reporters() })),
    ).toEqual({
      code: "NOT_FOUND",
      message: `${none}: no such folder`,
    });
    const empty = tmp();
    expect(
      await failure(mergeReports({ dirs: [empty], outDir: join(tmp(), "m"), reporter: reporters() })),
    ).toEqual({
      code: "INVALID_INPUT",
      message: `${empty}: not a report folder (no report.json)`,
    });
    const old = tmp();
    writeFileSync(join(old, "report.json"), JSON.stringify({ schema: "backside.report.v1", results: [] }));
    const e = await failure(mergeReports({ dirs: [old], outDir: join(tmp(), "m"), reporter: reporters() }));
    expect(e).toEqual({
      code: "INVALID_INPUT",
      message: `${old}: report.json is backside.report.v1, not backside.report.v2`,
    });
    const out = join(tmp(), "m");
    expect(existsSync(out)).toBe(false);
  });
});

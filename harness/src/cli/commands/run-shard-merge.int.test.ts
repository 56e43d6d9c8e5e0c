/**
 * A catalogue split over two CI jobs, through the real binary with real containers: `run
 * --shard 1/2` and `--shard 2/2` side by side, then `merge`, give the verdicts, counts and
 * JUnit cases one run of the same scenarios gives, with every bundle beside the merged report.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../../../bin/backside.js");
const ROOT = resolve(import.meta.dirname, "../../../..");
const dir = mkdtempSync(join(tmpdir(), "backside-shard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four of the quickest scenarios, of four different causes (scenarios/durations.json).
const PICK = "^(healthy-by-address|tcp-refused-firewall-reset|tls-unknown-ca|dns-no-address)$";

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 240_000 });
    let out = "";
    p.stdout.on("data", (b) => (out += b));
    p.stderr.on("data", (b) => (out += b));
    p.on("error", fail);
    p.on("close", (code) => done({ code, out }));
  });
}

interface Report {
  counts: Record<string, number>;
  shard: { index: number; total: number } | null;
  mergedFrom: string[];
  results: {
    id: string;
    expected: string;
    diagnosed: string;
    status: string;
    bundle: string;
    artifacts: { pcaps: string[] };
  }[];
}
const report = (d: string) => JSON.parse(readFileSync(join(d, "report.json"), "utf8")) as Report;
const verdicts = (r: Report) =>
  r.results.map((x) => `${x.id}: expected ${x.expected}, diagnosed ${x.diagnosed} (${x.status})`).sort();

describe("run --shard K/N, then merge", () => {
  it("gives the same verdicts, counts and JUnit cases as one run", { timeout: 600_000 }, async () => {
    const whole = join(dir, "whole");
    // One run at the default parallelism, which its first line says and explains.
    const one = await cli(["run", "--grep", PICK, "--report-dir", whole]);
    expect(one.code, one.out).toBe(0);
    expect(one.out.split("\n")[0]).toMatch(
      /^Running 4 scenario run\(s\) \(4 scenario\(s\) × 1\) with \d+ in parallel \(default: \d+ cores × 2, [\d.]+ GiB free: limited by \w+; --parallel N to choose\)$/,
    );
    const shards = await Promise.all(
      [1, 2].map((k) =>
        cli([
          "run",
          "--grep",
          PICK,
          "--shard",
          `${k}/2`,
          "--parallel",
          "1",
          "--report-dir",
          join(dir, `s${k}`),
        ]),
      ),
    );
    for (const s of shards) expect(s.code, s.out).toBe(0);
    expect(shards[0].out).toMatch(/^Shard 1\/2: 2 of 4 scenario\(s\), about \d/m);

    const a = report(join(dir, "s1"));
    const b = report(join(dir, "s2"));
    expect(a.shard).toEqual({ index: 1, total: 2 });
    expect(b.shard).toEqual({ index: 2, total: 2 });
    // A share each, none run twice, none left out.
    expect(a.results.length).toBeGreaterThan(0);
    expect(b.results.length).toBeGreaterThan(0);
    expect([...a.results, ...b.results].map((r) => r.id).sort()).toEqual(
      report(whole)
        .results.map((r) => r.id)
        .sort(),
    );

    const out = join(dir, "merged");
    const m = await cli(["merge", join(dir, "s1"), join(dir, "s2"), "--out", out]);
    expect(m.code, m.out).toBe(0);
    expect(m.out).toMatch(/Merged 2 report folder\(s\): 4 run\(s\), 4 matched/);
    const merged = report(out);
    expect(verdicts(merged)).toEqual(verdicts(report(whole)));
    expect(merged.counts).toEqual(report(whole).counts);
    expect(merged.mergedFrom).toEqual([join(dir, "s1"), join(dir, "s2")]);
    const cases = (d: string) =>
      (readFileSync(join(d, "junit.xml"), "utf8").match(/<testcase name="[^"]+"/g) ?? []).sort();
    expect(cases(out)).toEqual(cases(whole));
    // Every capture the merged report names is where it says, relative to the merged folder.
    for (const r of merged.results)
      for (const p of r.artifacts.pcaps)
        expect(existsSync(join(out, r.bundle, p)), `${r.bundle}/${p}`).toBe(true);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("4 matched");
  });
});

/**
 * Ctrl-C through the real binary, with real containers: a scenario stopped before its steps
 * finished is reported as interrupted (no diagnosis, no mismatch), and every run that did not
 * finish is listed as not run, in report.json and as <skipped/> in junit.xml; also after a
 * second Ctrl-C, which ends the process at once. Nothing the run started is left behind.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../util/poll-until.js";

const BIN = resolve(import.meta.dirname, "../../../bin/backside.js");
const ROOT = resolve(import.meta.dirname, "../../../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Starts `run`, sends `signals` SIGINTs once the first scenario's requests are under way. */
async function interruptedRun(signals: number) {
  const dir = mkdtempSync(join(tmpdir(), "backside-sigint-"));
  dirs.push(dir);
  const child = spawn(
    process.execPath,
    [BIN, "run", "tcp-silent-drop", "healthy", "--parallel", "1", "--report-dir", dir],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (out += b));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const steps = join(dir, "tcp-silent-drop", "steps.log");
  await pollUntil(async () => existsSync(steps) && /request x/.test(readFileSync(steps, "utf8")), {
    what: "the first scenario's requests",
    timeoutMs: 120_000,
    intervalMs: 200,
  });
  for (let i = 0; i < signals; i++) child.kill("SIGINT");
  const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 120_000))]);
  if (code === "hung") child.kill("SIGKILL");
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
  const junit = readFileSync(join(dir, "junit.xml"), "utf8");
  const left = await new Docker().listContainers({
    all: true,
    filters: { label: [`backside.pid=${child.pid}`] },
  });
  return { code, out, report, junit, left };
}

describe("backside run, interrupted", () => {
  it(
    "reports a scenario stopped mid-steps as interrupted, never mismatched",
    { timeout: 300_000 },
    async () => {
      const r = await interruptedRun(1);
      expect(r.code, r.out).toBe(130);
      expect(r.report).toMatchObject({ interrupted: true, complete: false, notRun: ["healthy"] });
      expect(r.report.counts).toMatchObject({ matched: 0, mismatched: 0, interrupted: 1 });
      expect(r.report.results).toHaveLength(1);
      expect(r.report.results[0]).toMatchObject({
        id: "tcp-silent-drop",
        status: "interrupted",
        interrupted: true,
        diagnosed: null,
        match: false,
      });
      expect(r.out).not.toMatch(/mismatched/);
      expect(r.out).toMatch(/1 interrupted/);
      expect(r.junit).toMatch(/<property name="run" value="interrupted"\/>/);
      expect(r.junit).toMatch(/<testcase name="healthy"[^>]*>\s*<skipped[^>]*>/);
      expect(r.junit).toMatch(/failures="0"/);
      expect(r.left).toEqual([]);
    },
  );

  it(
    "still writes interrupted:true and every unfinished run after a second Ctrl-C",
    { timeout: 300_000 },
    async () => {
      const r = await interruptedRun(2);
      expect(r.code, r.out).toBe(130);
      expect(r.report.interrupted).toBe(true);
      expect(r.report.counts.mismatched).toBe(0);
      const finished = r.report.results.map((x: { id: string }) => x.id);
      expect([...finished, ...r.report.notRun].sort()).toEqual(["healthy", "tcp-silent-drop"]);
      expect(r.report.notRun).toContain("healthy");
      expect(r.junit).toMatch(/<testcase name="healthy"[^>]*>\s*<skipped[^>]*>/);
      expect(r.left).toEqual([]);
    },
  );
});

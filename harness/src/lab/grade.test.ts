import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { grade } from "./grade.js";
import { writeKey } from "./lab-key.js";
import { suggestLabels } from "./suggest-label.js";
import { syntheticLab, keyCase } from "./testing/synthetic-key.js";
import type { AnswersFile } from "./answers-file.js";

const BIN = join(import.meta.dirname, "../../bin/backside.js");
const cli = (args: string[], cwd: string) =>
  spawnSync("node", [BIN, ...args], { cwd, encoding: "utf8", timeout: 30_000 });
const answers = (pairs: [string, string][]): AnswersFile => ({
  version: 1,
  answers: pairs.map(([c, label]) => ({ case: c, label, at: "t" })),
});

describe("grade", () => {
  const dir = mkdtempSync(join(tmpdir(), "lab-grade-"));
  const key = syntheticLab(dir, ["tcp.refused", "dns.nxdomain", "healthy"]);

  it("a perfect answer file scores every case", () => {
    const g = grade(
      key,
      answers([
        ["case-01", "tcp.refused"],
        ["case-02", "dns.nxdomain"],
        ["case-03", "healthy"],
      ]),
    );
    expect([g.score, g.total]).toEqual([3, 3]);
    expect(g.cases.every((c) => c.right)).toBe(true);
  });

  it("wrong answers score 0, and an unanswered case is wrong", () => {
    const g = grade(
      key,
      answers([
        ["case-01", "tcp.silent-drop"],
        ["case-02", "dns.servfail"],
      ]),
    );
    expect(g.score).toBe(0);
    expect(g.cases.map((c) => c.answer)).toEqual(["tcp.silent-drop", "dns.servfail", null]);
  });

  it("the last answer for a case counts", () => {
    const g = grade(
      key,
      answers([
        ["case-01", "tcp.silent-drop"],
        ["case-01", "tcp.refused"],
      ]),
    );
    expect(g.cases[0]).toMatchObject({ answer: "tcp.refused", truth: "tcp.refused", right: true });
  });

  it("scores each stage on the answers given at it, beside what the engine read from it alone", () => {
    const k = syntheticLab(mkdtempSync(join(tmpdir(), "lab-grade-")), ["tcp.refused"], ["log", "capture"]);
    k.cases[0] = keyCase("case-01", "tcp.refused", {
      alone: { capture: { cause: "tcp.refused", confidence: "high" } },
    });
    const g = grade(k, {
      version: 1,
      answers: [
        { case: "case-01", label: "tcp.silent-drop", stage: "log", at: "t" },
        { case: "case-01", label: "tcp.refused", stage: "capture", at: "t" },
      ],
    });
    expect(g.stages).toEqual([
      { stage: "log", score: 0, total: 1, engineEnough: 0 },
      { stage: "capture", score: 1, total: 1, engineEnough: 1 },
    ]);
    expect(g.score).toBe(1);
  });

  it("suggests the close labels", () => {
    expect(suggestLabels("tcp.refuse")).toContain("tcp.refused");
    expect(suggestLabels("nxdomain")[0]).toBe("dns.nxdomain");
    expect(suggestLabels("silent drop")[0]).toBe("tcp.silent-drop");
  });
});

describe("lab answer and lab grade through the binary", () => {
  it("records answers, grades them, writes grade.json, exits 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-cli-"));
    writeKey(join(dir, "key.json"), syntheticLab(dir, ["tcp.refused", "dns.nxdomain"]));
    expect(cli(["lab", "answer", "1", "tcp.refused"], dir).status).toBe(0);
    expect(cli(["lab", "answer", "case-02", "dns.servfail", "--learner", "ann"], dir).status).toBe(0);
    const r = cli(["lab", "grade", dir], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/case-01\s+tcp\.refused\s+right/);
    expect(r.stdout).toMatch(/case-02\s+dns\.servfail\s+wrong\s+\(truth dns\.nxdomain\)/);
    expect(r.stdout).toContain("score 1/2");
    const g = JSON.parse(readFileSync(join(dir, "grade.json"), "utf8"));
    expect(g).toMatchObject({ learner: "ann", score: 1, total: 2 });
    expect(g.cases[1]).toEqual({
      case: "case-02",
      answer: "dns.servfail",
      truth: "dns.nxdomain",
      right: false,
    });
  });

  it("an unknown label is a usage error with did you mean, and nothing is recorded", () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-cli-"));
    writeKey(join(dir, "key.json"), syntheticLab(dir, ["tcp.refused"]));
    const r = cli(["lab", "answer", "case-01", "tcp.refusd"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown label 'tcp.refusd' \(did you mean tcp\.refused/);
    expect(cli(["lab", "grade"], dir).status).toBe(3);
  });

  it("a damaged answers file is bad input naming the file (exit 3)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-cli-"));
    writeKey(join(dir, "key.json"), syntheticLab(dir, ["tcp.refused"]));
    writeFileSync(join(dir, "answers.json"), "{ nope");
    const r = cli(["lab", "grade"], dir);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("answers.json: not JSON");
  });
});

/**
 * `lab make` through the binary with real containers: the learner's folder holds only the
 * appliance's evidence and gives no answer away (every label, every scenario name and the
 * harness's rule comments are searched for, in names, bytes and decoded report parts), the key
 * maps each case to its run, and grading the key's own answers scores everything.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { CAUSES } from "../taxonomy.js";
import { loadCatalogue } from "../scenarios/index.js";
import { findLeaks, HARNESS_MARKERS } from "./leak-check.js";
import { readKey } from "./lab-key.js";
import { seededShuffle } from "./seeded-shuffle.js";

const BIN = join(import.meta.dirname, "../../bin/backside.js");
const cli = (args: string[], timeout = 300_000) =>
  spawnSync("node", [BIN, ...args], {
    encoding: "utf8",
    timeout,
    cwd: join(import.meta.dirname, "../../.."),
  });

function files(d: string, root = d, out: string[] = []): string[] {
  for (const e of readdirSync(d, { withFileTypes: true }))
    if (e.isDirectory()) files(join(d, e.name), root, out);
    else out.push(relative(root, join(d, e.name)));
  return out.sort();
}

describe("lab make", () => {
  it("writes blind cases and a separate key; the key's answers grade full", { timeout: 400_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), "lab-make-"));
    const picked = ["tcp-refused", "healthy", "dns-nxdomain"];
    const r = cli([
      "lab",
      "make",
      "--out",
      out,
      "--scenarios",
      picked.join(","),
      "--seed",
      "5",
      "--stages",
      "log,report,capture",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/tcp-refused|dns-nxdomain|healthy/);

    const cases = join(out, "cases");
    expect(readdirSync(cases)).toEqual(["README.txt", "case-01", "case-02", "case-03"]);
    for (const c of readdirSync(cases).filter((n) => n.startsWith("case-")))
      for (const f of files(join(cases, c)))
        expect(f).toMatch(
          /^(client\.txt|stage-1-log\/gateway\.log|stage-2-report\/error-report\.txt|stage-3-capture\/[a-z]+-[a-z]+\.pcap)$/,
        );
    expect(readFileSync(join(cases, "case-01", "client.txt"), "utf8")).toMatch(/request 1: /);

    const catalogue = loadCatalogue(join(import.meta.dirname, "../../../scenarios"));
    const needles = [...CAUSES, ...catalogue.map((s) => s.name), ...HARNESS_MARKERS, "drop comment"];
    expect(findLeaks(cases, needles)).toEqual([]);
    // The full runs beside the key do hold the answer: the search would have found it.
    expect(findLeaks(join(out, "key.runs"), ["backside:", "tcp-refused"]).length).toBeGreaterThan(0);

    const key = readKey(join(out, "key.json"));
    const order = seededShuffle(
      catalogue.filter((s) => picked.includes(s.name)),
      5,
    ).map((s) => s.name);
    expect(key.cases.map((c) => c.scenario)).toEqual(order);
    for (const c of key.cases) {
      expect(c.engine.cause).toBe(c.label);
      expect(c.enoughAt).toBeDefined();
    }

    for (const c of key.cases) expect(cli(["lab", "answer", c.case, c.label, "--dir", out]).status).toBe(0);
    const perfect = cli(["lab", "grade", out]);
    expect(perfect.status, perfect.stderr).toBe(0);
    expect(perfect.stdout).toContain("score 3/3");

    // The reveal of a real case: its page names the truth and draws the ladder from its capture.
    const refused = key.cases.find((c) => c.label === "tcp.refused")!;
    const reveal = cli(["lab", "reveal", refused.case, "--dir", out]);
    expect(reveal.status, reveal.stderr).toBe(0);
    expect(reveal.stdout).toContain(`${refused.case}: tcp.refused`);
    const page = readFileSync(join(out, `reveal-${refused.case}.html`), "utf8");
    expect(page).toMatch(/True cause: <b>tcp\.refused<\/b>/);
    expect(page).toMatch(/<svg[^>]*class="ladder"[\s\S]*>RST-ACK</);
    expect(page).toContain("not-listening");

    const wrongDir = mkdtempSync(join(tmpdir(), "lab-wrong-"));
    const wrong = key.cases.map((c) => (c.label === "tcp.silent-drop" ? "backend.reset" : "tcp.silent-drop"));
    key.cases.forEach((c, i) =>
      cli(["lab", "answer", c.case, wrong[i], "--dir", out, "--answers", join(wrongDir, "answers.json")]),
    );
    const zero = cli(["lab", "grade", "--key", join(out, "key.json"), join(wrongDir, "answers.json")]);
    expect(zero.status).toBe(0);
    expect(zero.stdout).toContain("score 0/3");
    expect(JSON.parse(readFileSync(join(wrongDir, "grade.json"), "utf8")).score).toBe(0);
  });
});

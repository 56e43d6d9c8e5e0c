/**
 * The lab subcommands follow the same command-line conventions as every command, through the
 * real binary: `help lab SUB`, `lab help SUB` and `lab SUB --help` print one text; `--flag=value`
 * reads as `--flag value`; usage errors have the shared wording and exit 2. No Docker needed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ROOT } from "./testing/run-cli.js";
import { writeKey } from "../lab/lab-key.js";
import { syntheticLab } from "../lab/testing/synthetic-key.js";

const dir = mkdtempSync(join(tmpdir(), "backside-lab-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUBS = ["make", "answer", "grade", "reveal", "report", "start", "shell", "stop", "labels"];

describe("lab help", { timeout: 240_000 }, () => {
  it("`help lab SUB`, `lab help SUB` and `lab SUB --help` print the same text for every subcommand", async () => {
    for (const s of SUBS) {
      const [a, b, c] = await Promise.all([
        cli(["help", "lab", s]),
        cli(["lab", "help", s]),
        cli(["lab", s, "--help"]),
      ]);
      expect([a.code, b.code, c.code], s).toEqual([0, 0, 0]);
      expect(a.out, s).toBe(c.out);
      expect(b.out, s).toBe(c.out);
      expect(c.out, s).toMatch(new RegExp(`^usage: backside lab ${s}`));
      expect(c.out, s).toContain("-h, --help");
    }
  });

  it("help of an unknown subcommand is a usage error naming it", async () => {
    expect(await cli(["help", "lab", "nope"])).toMatchObject({
      code: 2,
      err: "backside: lab: unknown subcommand 'nope' (run `backside lab --help`)\n",
    });
  });
});

describe("lab option values: --flag=value and --flag value", { timeout: 60_000 }, () => {
  it("lab answer and lab grade read both spellings alike", async () => {
    const lab = join(dir, "lab");
    writeKey(join(lab, "key.json"), syntheticLab(lab, ["tcp.refused", "dns.nxdomain"]));
    expect((await cli(["lab", "answer", "1", "tcp.refused", `--dir=${lab}`, "--learner=ann"])).code).toBe(0);
    expect((await cli(["lab", "answer", "2", "dns.servfail", "--dir", lab, "--learner", "ann"])).code).toBe(
      0,
    );
    const key = join(lab, "key.json");
    const [eq, sp] = await Promise.all([
      cli(["lab", "grade", `--key=${key}`, `--out=${join(dir, "eq.json")}`, lab]),
      cli(["lab", "grade", "--key", key, "--out", join(dir, "sp.json"), lab]),
    ]);
    expect(eq.code, eq.err).toBe(0);
    expect(eq.out.replace("eq.json", "X")).toBe(sp.out.replace("sp.json", "X"));
    const g = JSON.parse(readFileSync(join(dir, "eq.json"), "utf8"));
    expect(g).toMatchObject({ learner: "ann", score: 1, total: 2 });
    expect(readFileSync(join(dir, "sp.json"), "utf8")).toBe(readFileSync(join(dir, "eq.json"), "utf8"));
  });
});

describe("lab usage errors in the shared wording", { timeout: 60_000 }, () => {
  it.each([
    [
      ["lab", "make", "--out=x", "--count=0"],
      "lab make: --count must be an integer 1-1000, not '0' (run `backside lab make --help`)",
    ],
    [
      ["lab", "make", "--out", "x", "--captures=none"],
      "lab make: --captures must be all or gateway, not 'none' (run `backside lab make --help`)",
    ],
    [
      ["lab", "make", "--out=x", "--gateway=iis"],
      "lab make: --gateway must be backside or nginx or haproxy, not 'iis' (run `backside lab make --help`)",
    ],
    [
      ["lab", "start", "--random", "--for=5"],
      "lab start: --for must be an integer 10-86400, not '5' (run `backside lab start --help`)",
    ],
    [["lab", "stop", "--reveal=yes"], "lab stop: --reveal takes no value (run `backside lab stop --help`)"],
    [["lab", "grade", "--nope"], "lab grade: unknown option '--nope' (run `backside lab grade --help`)"],
    [["lab", "shell", "-c"], "lab shell: -c needs a value (COMMAND) (run `backside lab shell --help`)"],
    [
      ["lab", "labels", "extra"],
      "lab labels: unexpected argument 'extra' (run `backside lab labels --help`)",
    ],
  ])("%j", async (args, message) => {
    expect(await cli(args)).toMatchObject({ code: 2, out: "", err: `backside: ${message}\n` });
  });
});

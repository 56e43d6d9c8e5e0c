/**
 * The command line's conventions, through the real binary as a user runs it: help, `=` values,
 * one --format spelling with --json, --version, exit codes for empty bundles, captures taken on
 * the sending host, broken scenario files, and shell completion. No Docker needed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ROOT } from "./testing/run-cli.js";
import { CaptureBuilder } from "../pcap/testing/packets.js";

const RUN = join(ROOT, "harness/src/engine/fixtures/runs/net-wrong-route");
const dir = mkdtempSync(join(tmpdir(), "backside-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = [
  "run",
  "merge",
  "durations",
  "diagnose",
  "flows",
  "clean",
  "images",
  "up",
  "list",
  "completion",
  "lab",
];

describe("backside help", { timeout: 240_000 }, () => {
  it("`help CMD` and `CMD --help` print the same text for every command, and exit 0", async () => {
    for (const c of COMMANDS) {
      const [a, b] = await Promise.all([cli(["help", c]), cli([c, "--help"])]);
      expect(a.code, c).toBe(0);
      expect(b.code, c).toBe(0);
      expect(a.out, c).toBe(b.out);
      expect(a.out, c).toMatch(new RegExp(`^usage: backside ${c}`));
    }
  });

  it("help of an unknown command is a usage error", async () => {
    const r = await cli(["help", "nope"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("backside: unknown command 'nope' (run `backside --help`)\n");
  });
});

describe("backside --version", () => {
  it("prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const r = await cli(["--version"]);
    expect(r).toEqual({ code: 0, out: `${version}\n`, err: "" });
  });
});

describe("option values: --flag=value and --flag value", { timeout: 60_000 }, () => {
  it("give the same result in list and diagnose", async () => {
    const pcap = join(RUN, "gateway-mid.pcap");
    const [a, b, c, d] = await Promise.all([
      cli(["list", "--dir", "scenarios", "--format", "json"]),
      cli(["list", "--dir=scenarios", "--format=json"]),
      cli(["diagnose", "--pcap", pcap, "--format", "json"]),
      cli(["diagnose", `--pcap=${pcap}`, "--format=json"]),
    ]);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(c.code).toBe(0);
    expect(JSON.parse(d.out).cause).toBe(JSON.parse(c.out).cause);
  });

  it("run reads --parallel=2 and --repeat=3 (the next problem is the unknown scenario)", async () => {
    const r = await cli(["run", "--parallel=2", "--repeat=3", "no-such-scenario"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("backside: unknown scenario 'no-such-scenario' (run `backside list`)\n");
  });

  it("a flag that takes no value refuses one, and a value flag without one says so", async () => {
    const [a, b, c] = await Promise.all([
      cli(["run", "--all=yes"]),
      cli(["diagnose", "--pcap"]),
      cli(["list", "--format=xml"]),
    ]);
    expect(a).toMatchObject({
      code: 2,
      err: "backside: run: --all takes no value (run `backside run --help`)\n",
    });
    expect(b).toMatchObject({
      code: 2,
      err: "backside: diagnose: --pcap needs a value (FILE) (run `backside diagnose --help`)\n",
    });
    expect(c).toMatchObject({
      code: 2,
      err: "backside: list: --format must be text or json, not 'xml' (run `backside list --help`)\n",
    });
  });
});

describe("--format text|json, with --json as its alias", { timeout: 60_000 }, () => {
  it("list, diagnose and flows print the same JSON for --json and --format json", async () => {
    const pcap = join(RUN, "gateway-mid.pcap");
    const pairs = [["list"], ["diagnose", "--bundle", RUN], ["flows", "--pcap", pcap]];
    for (const args of pairs) {
      const [a, b] = await Promise.all([cli([...args, "--json"]), cli([...args, "--format", "json"])]);
      expect(a.code, args[0]).toBe(0);
      expect(a.out, args[0]).toBe(b.out);
      expect(() => JSON.parse(a.out)).not.toThrow();
    }
  });
});

describe("diagnose --bundle on a folder with nothing to read", () => {
  it("exits 3 and names what the folder lacks", async () => {
    const empty = join(dir, "empty-run");
    mkdirSync(empty);
    writeFileSync(join(empty, "notes.txt"), "not an artifact");
    const r = await cli(["diagnose", "--bundle", empty]);
    expect(r.code).toBe(3);
    expect(r.err).toBe(
      `backside: diagnose: --bundle ${empty} has nothing to read: no *.pcap, no gateway.log, no error-report.txt[.gz]` +
        " (give the folder `backside run` wrote for one scenario run, or name files with --pcap/--log)\n",
    );
  });
});

describe("diagnose --bundle on a folder whose files are all unreadable", () => {
  it("exits 3 and names each file it could not use", async () => {
    const junk = join(dir, "junk-run");
    mkdirSync(junk);
    writeFileSync(join(junk, "gateway-mid.pcap"), "");
    writeFileSync(join(junk, "gateway.log"), "garbage\n");
    const r = await cli(["diagnose", "--bundle", junk]);
    expect(r.code).toBe(3);
    expect(r.out).toBe("");
    const lines = r.err.trim().split("\n");
    expect(lines.some((l) => l.includes("gateway-mid.pcap") && l.includes("not a pcap or pcapng"))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes("gateway.log") && l.includes("no gateway log lines"))).toBe(true);
  });
});

describe("flows on captures taken on the sending host", { timeout: 60_000 }, () => {
  it("our own capture: every wrong checksum is offloading, said once and read as with -C", async () => {
    const pcap = join(RUN, "gateway-mid.pcap");
    const [auto, withC] = await Promise.all([
      cli(["flows", "--pcap", pcap]),
      cli(["flows", "-C", "--pcap", pcap]),
    ]);
    expect(auto.code).toBe(0);
    expect(auto.err).toMatch(
      /^backside: flows: \d+ TCP\/UDP checksums \(from [\d., ]+\) hold only the pseudo-header sum: taken on the sending host with checksum offloading, so checksums are ignored as with -C\n$/,
    );
    expect(auto.out).not.toContain("bad-checksum");
    expect(auto.out).toBe(withC.out);
    expect(withC.err).toBe("");
  });

  it("a checksum that offloading does not explain is still reported, with the hint", async () => {
    const cap = new CaptureBuilder();
    cap
      .tcp({ client: "10.0.0.1", server: "10.0.0.2", cport: 1234, sport: 80 })
      .syn({ badChecksum: true })
      .refuse();
    const f = cap.write(join(dir, "corrupt.pcap"));
    const r = await cli(["flows", "--pcap", f]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      "backside: flows: 1 packets have wrong checksums that offloading does not explain; they are left out (-C keeps them)\n",
    );
    expect(r.out).toContain("bad-checksum");
  });
});

describe("broken scenario files through the binary", { timeout: 60_000 }, () => {
  it("list shows the valid scenarios, then names each broken file and exits 3", async () => {
    const scen = join(dir, "scen");
    mkdirSync(scen);
    writeFileSync(join(scen, "good.yaml"), "description: x\nexpect: healthy\n");
    writeFileSync(join(scen, "bad.yaml"), "description: x\n");
    writeFileSync(join(scen, "twice.yaml"), "description: x\nexpect: healthy\nexpect: healthy\n");
    const r = await cli(["list", "--dir", scen]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^good +healthy/m);
    expect(r.err).toBe(
      `backside: ${scen}/bad.yaml: expect is required\n` +
        `backside: ${scen}/twice.yaml:3:1: not valid YAML: key 'expect' appears twice in one mapping (first on line 2)\n`,
    );
    const named = await cli(["run", "bad", "--dir", scen]);
    expect(named).toMatchObject({ code: 3, err: `backside: ${scen}/bad.yaml: expect is required\n` });
    const all = await cli(["run", "--all", "--dir", scen]);
    expect(all.code).toBe(3);
    expect(all.err.split("\n").filter(Boolean)).toHaveLength(2);
  });
});

describe(
  "run's selection and merge's input, refused before any container starts",
  { timeout: 60_000 },
  () => {
    it("--shard must be K/N with 1 <= K <= N (exit 2)", async () => {
      for (const v of ["0/2", "3/2", "a/b"]) {
        const r = await cli(["run", "--all", "--shard", v]);
        expect(r.code, v).toBe(2);
        expect(r.err).toBe(
          `backside: run: --shard must be K/N with 1 <= K <= N <= 1000 (e.g. 1/2), not '${v}' (run \`backside run --help\`)\n`,
        );
      }
    });

    it("list shows each CI job's share: two shares of a selection are disjoint and make the whole", async () => {
      const names = async (args: string[]) => {
        const r = await cli(["list", "--json", ...args]);
        expect(r.code, r.err).toBe(0);
        return (JSON.parse(r.out) as { name: string }[]).map((s) => s.name);
      };
      const [whole, one, two] = await Promise.all([
        names(["--tag", "dns"]),
        names(["--tag", "dns", "--shard", "1/2"]),
        names(["--tag", "dns", "--shard", "2/2"]),
      ]);
      expect(one.length).toBeGreaterThan(0);
      expect(two.length).toBeGreaterThan(0);
      expect(one.filter((n) => two.includes(n))).toEqual([]);
      expect([...one, ...two].sort()).toEqual([...whole].sort());
    });

    it("a --tag or --grep that selects nothing, or a pattern that does not parse, is exit 2", async () => {
      const tag = await cli(["run", "--tag", "no-such-tag"]);
      expect(tag.code).toBe(2);
      expect(tag.err).toMatch(
        /^backside: run: no scenario matches --tag no-such-tag \(tags in the catalogue: backend, control, dns,/,
      );
      const grep = await cli(["run", "--grep", "("]);
      expect(grep.code).toBe(2);
      expect(grep.err).toMatch(/^backside: run: --grep '\(' is not a regular expression: /);
    });

    it("merge: a missing folder, a folder that is no report, or no --out, each in one line", async () => {
      const none = join(dir, "no-such-report");
      const missing = await cli(["merge", none, "--out", join(dir, "merged")]);
      expect([missing.code, missing.err]).toEqual([3, `backside: ${none}: no such folder\n`]);
      const plain = join(dir, "plain");
      mkdirSync(plain, { recursive: true });
      const notReport = await cli(["merge", plain, "--out", join(dir, "merged")]);
      expect([notReport.code, notReport.err]).toEqual([
        3,
        `backside: ${plain}: not a report folder (no report.json) (give the folder \`backside run\` wrote)\n`,
      ]);
      const noOut = await cli(["merge", plain]);
      expect([noOut.code, noOut.err]).toEqual([
        2,
        "backside: merge: --out DIR is required (run `backside merge --help`)\n",
      ]);
    });
  },
);

describe("backside completion", { timeout: 60_000 }, () => {
  /** What bash offers for the words typed so far (the last one is being completed). */
  function bashOffers(script: string, words: string[]): string[] {
    const f = join(dir, "completion.bash");
    writeFileSync(f, script);
    const quoted = words.map((w) => `'${w}'`).join(" ");
    const r = spawnSync(
      "bash",
      [
        "-c",
        `source '${f}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _backside; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    return r.stdout.split("\n").filter(Boolean);
  }

  it("bash completes commands, each command's options, choices and scenario names", async () => {
    const r = await cli(["completion", "bash"]);
    expect(r.code).toBe(0);
    expect(bashOffers(r.out, ["backside", "di"])).toEqual(["diagnose"]);
    expect(bashOffers(r.out, ["backside", "diagnose", "--er"])).toEqual(["--error-report"]);
    expect(bashOffers(r.out, ["backside", "flows", "--format", ""])).toEqual(["text", "json"]);
    expect(bashOffers(r.out, ["backside", "run", "dns-nx"])).toEqual(["dns-nxdomain"]);
    expect(bashOffers(r.out, ["backside", "images", "b"])).toEqual(["build"]);
    expect(bashOffers(r.out, ["backside", "run", "--sh"])).toEqual(["--shard"]);
    expect(bashOffers(r.out, ["backside", "run", "--fa"])).toEqual(["--fail-fast"]);
    expect(bashOffers(r.out, ["backside", "merge", "--o"])).toEqual(["--out"]);
    expect(bashOffers(r.out, ["backside", "help", "comp"])).toEqual(["completion"]);
  });

  it("bash completes the lab subcommands, then each one's own options and choices", async () => {
    const r = await cli(["completion", "bash"]);
    expect(bashOffers(r.out, ["backside", "lab", "ma"])).toEqual(["make"]);
    expect(bashOffers(r.out, ["backside", "lab", "make", "--ca"])).toEqual(["--captures"]);
    expect(bashOffers(r.out, ["backside", "lab", "make", "--captures", ""])).toEqual(["all", "gateway"]);
    expect(bashOffers(r.out, ["backside", "lab", "make", "--gateway", "ng"])).toEqual(["nginx"]);
    expect(bashOffers(r.out, ["backside", "lab", "start", "--r"])).toEqual(["--random"]);
    expect(bashOffers(r.out, ["backside", "lab", "shell", "-"])).toEqual([
      "--command",
      "-c",
      "--out-dir",
      "--state",
      "--help",
    ]);
  });

  it("zsh completes commands, choices and scenario names in a real interactive shell", async () => {
    const r = await cli(["completion", "zsh"]);
    expect(r.code).toBe(0);
    writeFileSync(join(dir, "_backside"), r.out);
    // An interactive zsh on a pseudo-terminal (zsh/zpty), typing TAB as a person would; each
    // read waits for what the screen must show (bounded by the timeout below), then clears the line.
    const typed: [string, string][] = [
      ["backside diag", "*backside diagnose*"],
      ["backside flows --format ", "*json  text*"],
      ["backside run dns-nx", "*backside run dns-nxdomain*"],
      ["backside lab mak", "*backside lab make*"],
      ["backside lab make --captu", "*backside lab make --captures=*"],
    ];
    const script = [
      "zmodload zsh/zpty",
      "zpty -b z zsh -f -i",
      `zpty -w z 'PS1=">"; autoload -U compinit; compinit -u -D; source ${dir}/_backside; bindkey "^I" complete-word; cd ${ROOT}'`,
      ...typed.flatMap(([t, shows], i) => [
        `zpty -n -w z $'${t}\\t\\t'`,
        `zpty -r z screen '${shows}' && print completed ${i}`,
        "zpty -n -w z $'\\C-u'",
      ]),
      "zpty -d z",
    ].join("\n");
    writeFileSync(join(dir, "zsh-typing.zsh"), script);
    const z = spawnSync("zsh", ["-f", join(dir, "zsh-typing.zsh")], { encoding: "utf8", timeout: 30_000 });
    expect(z.error, "zsh is installed by npm run setup").toBeUndefined();
    expect(z.stdout).toBe(typed.map((_, i) => `completed ${i}\n`).join(""));
  });

  it("names the shells it knows", async () => {
    const r = await cli(["completion", "fish"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "backside: completion: name one shell, bash or zsh (not 'fish') (run `backside completion --help`)\n",
    );
  });
});

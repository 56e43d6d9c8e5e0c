import { describe, expect, it } from "vitest";
import { mkdtempSync, readlinkSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planRuns } from "./run-catalogue.js";
import { linkLatest, timestampName } from "./report-dir.js";
import { engineProblems } from "./run-scenario.js";
import { faultRule } from "./firewall-faults.js";
import { gatewayConfig, dnsConfig, backendUrl } from "./standin-configs.js";
import { parseScenario } from "../scenarios/load-scenario.js";
import { parseRunArgs, exitCodeFor } from "../cli/commands/run.js";
import { isBacksideError } from "../errors.js";
import { result, summary } from "../reporters/testing/synthetic-run.js";

const scen = (extra = "") => parseScenario(`description: x\nexpect: healthy\n${extra}`, "scenarios/x.yaml");

describe("run planning", () => {
  it("names repeats <scenario>-<n> and single runs by the scenario", () => {
    const s = scen();
    expect(planRuns([s], 1).map((p) => p.id)).toEqual(["x"]);
    expect(planRuns([s], 3).map((p) => p.id)).toEqual(["x-1", "x-2", "x-3"]);
  });

  it("makes a sortable timestamp folder name and a latest link", () => {
    expect(timestampName(new Date("2026-11-25T03:04:05.678Z"))).toBe("2026-11-25T030405Z");
    const root = mkdtempSync(join(tmpdir(), "reports-"));
    linkLatest(join(root, "2026-11-25T030405Z"));
    expect(readlinkSync(join(root, "latest"))).toBe("2026-11-25T030405Z");
    linkLatest(join(root, "2026-11-25T030406Z"));
    expect(readlinkSync(join(root, "latest"))).toBe("2026-11-25T030406Z");
    expect(existsSync(join(root, "latest.txt"))).toBe(false);
  });

  it("bounds the engine's problems in the partial reasons", () => {
    expect(engineProblems(["a", "b", "c", "d", "e"])).toEqual([
      "engine: a",
      "engine: b",
      "engine: c",
      "engine: 2 more problem(s) in verdict.json",
    ]);
  });
});

describe("scenario → stand-in settings for a slot", () => {
  it("resolves address references in the slot's subnets", () => {
    const s = scen("dns:\n  zone:\n    api.backside.test: back:.77\n");
    expect(backendUrl(s, 1)).toBe("http://api.backside.test:80/");
    expect(dnsConfig(s, 1).names?.["api.backside.test"]).toMatchObject({
      mode: "normal",
      a: ["10.100.6.77"],
    });
    const g = gatewayConfig(s, 1, undefined);
    expect(g.dns?.servers).toEqual([{ address: "10.100.7.53", retries: 1 }]);
    expect(backendUrl(scen("gateway:\n  backend: { host: backend, scheme: https }\n"), 1)).toBe(
      "https://10.100.6.10:443/",
    );
  });

  it("maps faults to firewall rules on the backend and dns addresses", () => {
    expect(faultRule({ action: "drop", path: "to-backend", protocol: "tcp", port: 80 }, 1, 80)).toEqual({
      kind: "drop",
      match: { proto: "tcp", daddr: "10.100.6.10", dport: 80 },
    });
    expect(
      faultRule({ action: "drop", path: "from-backend", protocol: "tcp", tcpFlags: "syn-ack" }, 1, 80),
    ).toEqual({
      kind: "drop-return",
      match: { proto: "tcp", daddr: "10.100.6.10", dport: 80 },
      synAckOnly: true,
    });
    expect(
      faultRule(
        { action: "reject", path: "to-dns", protocol: "udp", port: 53, with: "admin-prohibited" },
        1,
        80,
      ),
    ).toEqual({
      kind: "reject-icmp",
      match: { proto: "udp", daddr: "10.100.7.53", dport: 53 },
      type: "admin-prohibited",
    });
    // A connection-rate limit: only connection attempts count.
    expect(
      faultRule(
        { action: "rate-limit", path: "to-backend", protocol: "tcp", port: 80, perSecond: 2, burst: 3 },
        1,
        80,
      ),
    ).toEqual({
      kind: "rate-limit",
      match: { proto: "tcp", daddr: "10.100.6.10", dport: 80 },
      packetsPerSecond: 2,
      burst: 3,
      newConnections: true,
    });
  });
});

describe("backside run arguments and exit code", () => {
  it("parses names and flags, and refuses bad values with USAGE", () => {
    expect(
      parseRunArgs(["a", "b", "--parallel", "2", "--repeat", "3", "--report-dir", "/tmp/x"]),
    ).toMatchObject({
      names: ["a", "b"],
      parallel: 2,
      repeats: 3,
      reportDir: "/tmp/x",
      fresh: false,
    });
    expect(parseRunArgs(["a", "--fresh"])).toMatchObject({ fresh: true });
    for (const bad of [["--all", "a"], [], ["--parallel", "0", "a"], ["--repeat", "x", "a"], ["--nope"]]) {
      try {
        parseRunArgs(bad);
        expect.unreachable(bad.join(" "));
      } catch (e) {
        expect(isBacksideError(e) && e.code).toBe("USAGE");
      }
    }
  });

  it("reads the selection flags; without --parallel the machine decides later", () => {
    expect(
      parseRunArgs([
        "--tag",
        "dns",
        "--tag",
        "tcp",
        "--grep",
        "^dns-",
        "--shard",
        "2/3",
        "--fail-fast",
        "--keep",
      ]),
    ).toMatchObject({
      names: [],
      all: false,
      tags: ["dns", "tcp"],
      grep: "^dns-",
      shard: { index: 2, total: 3 },
      failFast: true,
      keep: true,
      parallel: undefined,
    });
    for (const bad of [
      ["--shard", "1/2"],
      ["--all", "--shard", "4/3"],
      ["--all", "--shard", "1/1001"],
    ])
      expect(() => parseRunArgs(bad), bad.join(" ")).toThrow(/name at least one|--shard must be K\/N/);
  });

  it("exits 0 when all matched, 1 on a mismatch, 130 when interrupted", () => {
    const ok = result("healthy", "healthy", "healthy");
    const bad = result("dns-nxdomain", "dns.nxdomain", "dns.servfail");
    expect(exitCodeFor(summary([ok], "/r"))).toBe(0);
    expect(exitCodeFor(summary([ok, bad], "/r"))).toBe(1);
    expect(exitCodeFor(summary([ok], "/r", { interrupted: true }))).toBe(130);
    const env = result("healthy", "healthy", null, { error: { code: "ENVIRONMENT", message: "no docker" } });
    expect(exitCodeFor(summary([env], "/r"))).toBe(4);
  });
});

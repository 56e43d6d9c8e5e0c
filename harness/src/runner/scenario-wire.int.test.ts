/**
 * What the newer catalogue scenarios put on the wire, read from their bundles by tshark (a
 * decoder independent of the project's own): the mechanism each scenario claims is really there.
 * Needs a Docker engine, the project's images and tshark (`npm run setup`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { loadCatalogue, selectScenarios } from "../scenarios/index.js";
import { diagnose } from "../engine/diagnose.js";
import { CleanupRegistry } from "../util/cleanup-registry.js";
import { runCatalogue } from "./run-catalogue.js";
import { ReporterMultiplexer, JsonReporter } from "../reporters/index.js";
import type { RunSummary } from "./result-types.js";

const NAMES = [
  "dns-slow",
  "dns-truncated-tcp-retry",
  "dns-round-robin-first-refuses",
  "backend-slow-within-timeout",
  "backend-slow-under-burst",
  "firewall-rate-limit",
];
const docker = new Docker();
const registry = new CleanupRegistry();
const reportDir = mkdtempSync(join(tmpdir(), "backside-wire-int-"));
let summary: RunSummary;

beforeAll(async () => {
  await docker.ping();
  summary = await runCatalogue({
    scenarios: selectScenarios(loadCatalogue("scenarios"), NAMES),
    repeats: 1,
    parallel: 2,
    reportDir,
    reporter: new ReporterMultiplexer([new JsonReporter()]),
    diagnose,
    docker,
    registry,
  });
}, 400_000);

afterAll(async () => {
  await registry.stopAll();
});

/** tshark's fields for each packet of `pcap` matching the display filter, one array per packet. */
function tshark(scenario: string, pcap: string, filter: string, fields = ["frame.number"]): string[][] {
  const out = execFileSync(
    "tshark",
    ["-n", "-r", join(reportDir, scenario, pcap), "-Y", filter, "-T", "fields", "-E", "separator=|"].concat(
      fields.flatMap((f) => ["-e", f]),
    ),
    { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] },
  );
  return out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("|"));
}

const nums = (rows: string[][], i = 0) => rows.map((r) => Number(r[i]));

describe("the mechanism on the wire, by tshark", () => {
  it("every scenario ran and was diagnosed as it expects", () => {
    const got = Object.fromEntries(summary.results.map((r) => [r.scenario, r.diagnosed]));
    expect(got).toEqual(Object.fromEntries(summary.results.map((r) => [r.scenario, r.expected])));
    expect(summary.results.length).toBe(NAMES.length);
  });

  it("dns-slow: each answer comes 3 s after its query, past the 2 s timeout, and the gateway's closed socket refuses it; no SYN", () => {
    const s = "dns-slow";
    const queries = tshark(s, "gateway-mid.pcap", "udp.dstport==53 && dns.flags.response==0 && !icmp", [
      "dns.id",
    ]);
    expect(queries.length).toBe(2); // one try and one retry
    const answers = tshark(s, "gateway-mid.pcap", "udp.srcport==53 && dns.flags.response==1 && !icmp", [
      "dns.time",
      "dns.a",
    ]);
    expect(answers.length).toBe(2);
    for (const t of nums(answers)) expect(t).toBeGreaterThan(2.9);
    expect(answers.every((a) => a[1].length > 0)).toBe(true); // real answers, only late
    const refused = tshark(s, "gateway-mid.pcap", "icmp.type==3 && icmp.code==3 && udp.srcport==53", [
      "dns.id",
    ]);
    expect(refused.map((r) => r[0]).sort()).toEqual(queries.map((q) => q[0]).sort());
    expect(tshark(s, "gateway-mid.pcap", "tcp.flags.syn==1 && tcp.dstport==80").length).toBe(0);
  });

  it("dns-truncated-tcp-retry: a UDP answer with the TC bit and no records, then the query over TCP 53 and its answer", () => {
    const s = "dns-truncated-tcp-retry";
    const tc = tshark(
      s,
      "gateway-mid.pcap",
      "udp.srcport==53 && dns.flags.truncated==1 && dns.count.answers==0",
      ["frame.time_relative"],
    );
    expect(tc.length).toBeGreaterThanOrEqual(1);
    const tcpQuery = tshark(s, "gateway-mid.pcap", "tcp.dstport==53 && dns.flags.response==0", [
      "frame.time_relative",
      "dns.qry.name",
    ]);
    expect(tcpQuery.length).toBeGreaterThanOrEqual(1);
    expect(Number(tcpQuery[0][0])).toBeGreaterThan(Number(tc[0][0]));
    expect(tcpQuery[0][1]).toBe("api.backside.test");
    const tcpAnswer = tshark(s, "gateway-mid.pcap", "tcp.srcport==53 && dns.flags.response==1", ["dns.a"]);
    expect(tcpAnswer.some((a) => a[0].length > 0)).toBe(true);
    expect(tshark(s, "gateway-mid.pcap", "http.response.code==200").length).toBe(1);
  });

  it("dns-round-robin-first-refuses: the first server's host answers ICMP port unreachable, the second answers; the next resolution starts at the second", () => {
    const s = "dns-round-robin-first-refuses";
    const asked = tshark(s, "gateway-mid.pcap", "udp && !icmp && (udp.dstport==53 || udp.dstport==5353)", [
      "udp.dstport",
      "ip.dst",
    ]);
    expect(asked.map((r) => r[0])).toEqual(["5353", "53", "53"]);
    const refused = tshark(s, "gateway-mid.pcap", "icmp.type==3 && icmp.code==3", ["ip.src", "udp.dstport"]);
    expect(refused.length).toBe(1);
    // The name server's own host refused it (no router on the path), for the 5353 query.
    expect(refused[0][0].split(",")[0]).toBe(asked[0][1]);
    expect(refused[0][1].split(",")).toContain("5353");
    expect(tshark(s, "gateway-mid.pcap", "http.response.code==200").length).toBe(2);
  });

  it("backend-slow-within-timeout: each response 1.5 s after its request, inside the 3 s back timeout", () => {
    const times = nums(
      tshark("backend-slow-within-timeout", "gateway-mid.pcap", "http.response.code==200", ["http.time"]),
    );
    expect(times.length).toBe(2);
    for (const t of times) {
      expect(t).toBeGreaterThan(1.4);
      expect(t).toBeLessThan(3);
    }
  });

  it("backend-slow-under-burst: 8 connections accepted at once and their requests ACKed, no response, the gateway's FIN 3 s after each request", () => {
    const s = "backend-slow-under-burst";
    const f = "backend-back.pcap";
    expect(tshark(s, f, "tcp.flags.syn==1 && tcp.flags.ack==1 && tcp.srcport==80").length).toBe(8);
    expect(tshark(s, f, "tcp.analysis.retransmission && tcp.flags.syn==1").length).toBe(0);
    const gets = new Map(
      tshark(s, f, "http.request", ["tcp.stream", "frame.time_relative"]).map((r) => [r[0], Number(r[1])]),
    );
    expect(gets.size).toBe(8);
    expect(tshark(s, f, "http.response").length).toBe(0);
    const fins = tshark(s, f, "tcp.flags.fin==1 && tcp.dstport==80", ["tcp.stream", "frame.time_relative"]);
    expect(fins.length).toBe(8);
    for (const [stream, t] of fins) expect(Number(t) - gets.get(stream)!).toBeGreaterThan(2.9);
  });

  it("firewall-rate-limit: SYNs over the limit die inside the firewall, unanswered and unrefused, while others are served", () => {
    const s = "firewall-rate-limit";
    const syn = "tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==80";
    const before = tshark(s, "firewall-mid.pcap", syn, ["tcp.srcport"]);
    const after = tshark(s, "firewall-back.pcap", syn, ["tcp.srcport"]);
    expect(new Set(before.map((r) => r[0])).size).toBe(16);
    expect(after.length).toBeLessThan(before.length);
    const answered = new Set(
      tshark(s, "firewall-mid.pcap", "tcp.flags.syn==1 && tcp.flags.ack==1 && tcp.srcport==80", [
        "tcp.dstport",
      ]).map((r) => r[0]),
    );
    const unanswered = [...new Set(before.map((r) => r[0]))].filter((p) => !answered.has(p));
    expect(unanswered.length).toBeGreaterThan(0);
    expect(answered.size).toBeGreaterThan(0);
    // A connection that never got a SYN-ACK never had a SYN through the firewall.
    const through = new Set(after.map((r) => r[0]));
    for (const p of unanswered) expect(through.has(p), p).toBe(false);
    // Silently: no RST from the backend's side, no ICMP.
    expect(tshark(s, "firewall-mid.pcap", "icmp || (tcp.flags.reset==1 && tcp.srcport==80)").length).toBe(0);
    expect(tshark(s, "gateway-mid.pcap", "http.response.code==200").length).toBe(answered.size);
    // The firewall's own count of what it dropped: every SYN that did not get through.
    const rules = readFileSync(join(reportDir, s, "firewall-ruleset.txt"), "utf8");
    const dropped = /limit rate over 1\/second burst 2 packets counter packets (\d+)/.exec(rules)?.[1];
    expect(Number(dropped)).toBe(before.length - after.length);
  });
});

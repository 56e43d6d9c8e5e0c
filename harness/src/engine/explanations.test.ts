/**
 * What a person reads, over every golden bundle (fixtures/runs, kept from real runs): the
 * explanation never contradicts itself or trails off, capture points are in path order, the
 * explanation, capture-point statement and next steps name the same culprit hop, and next steps
 * never ask for an artifact that was given.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleInput } from "../runner/diagnose-bundle.js";
import { diagnose } from "./diagnose.js";
import { roleRanks } from "./path-order.js";
import { culpritHop, hopText } from "./where-died.js";
import type { Diagnosis } from "./types.js";

const RUNS = resolve(import.meta.dirname, "fixtures/runs");
const bundles = readdirSync(RUNS).sort();
const cache = new Map<string, Promise<Diagnosis>>();
const diag = (b: string) => {
  if (!cache.has(b)) cache.set(b, diagnose(bundleInput(join(RUNS, b))));
  return cache.get(b)!;
};

describe.each(bundles)("golden bundle %s", (b) => {
  it("explains without contradiction or a dangling fragment", async () => {
    const d = await diag(b);
    const e = d.explanation;
    expect(/\bno answer\b/i.test(e) && /answers? (was|were) seen/i.test(e), e).toBe(false);
    expect(e, e).not.toMatch(/[;:,] [\w.-]+\.pcap\.(\s|$)/);
    expect(e).not.toMatch(/\(\s*\)|;\s*\.|\s\./);
  });

  it("orders capture points along the path, never alphabetically", async () => {
    const d = await diag(b);
    const order = d.capturePoints?.order.map((p) => p.source) ?? [];
    const rank = roleRanks(order);
    const ranks = order.map((s) => rank.get(s)!);
    // Roles never go backwards along the path, and the SYN's TTL never rises.
    expect(ranks, order.join(" ")).toEqual([...ranks].sort((x, y) => x - y));
    const ttls = d.capturePoints?.order.flatMap((p) => (p.synTtl === null ? [] : [p.synTtl])) ?? [];
    expect(ttls).toEqual([...ttls].sort((x, y) => y - x));
  });

  it("never asks for an artifact that was given", async () => {
    const d = await diag(b);
    const steps = d.nextSteps.join("\n");
    expect(steps).not.toMatch(/\bcapture (beside|on|at)\b|packet capture|take a capture|a capture\b/i);
    expect(steps).not.toMatch(/debug(-level)? log|log at debug|loglevel/i);
    expect(steps).not.toMatch(/save error-report|an error report/i);
  });

  it("groups evidence: one item per statement", async () => {
    const d = await diag(b);
    const st = d.evidence.map((e) => e.statement);
    expect(st.length).toBe(new Set(st).size);
  });

  it("names the same culprit hop in the explanation or path statement and the next steps", async () => {
    const d = await diag(b);
    const hop = d.capturePoints ? culpritHop(d.capturePoints.died) : null;
    if (!hop || !["tcp.silent-drop", "net.packet-loss"].includes(d.cause)) return;
    const text = hopText(hop[0], hop[1]);
    expect(`${d.explanation} ${d.capturePoints!.statement}`).toContain(text);
    if (d.cause === "tcp.silent-drop") expect(d.nextSteps[0]).toContain(text);
  });
});

describe("explanations from the evidence", () => {
  it("tcp-silent-drop: the SYN died in the firewall, and the next steps say so before anything else", async () => {
    const d = await diag("tcp-silent-drop");
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.capturePoints?.died).toMatchObject({ kind: "syn-lost", lastSeen: "firewall-mid.pcap" });
    expect(d.explanation).toContain("dropped in the firewall itself");
    expect(d.nextSteps[0]).toMatch(
      /SYN dropped in the firewall itself .*firewall-mid\.pcap .*firewall-back\.pcap/,
    );
    expect(d.nextSteps.join(" ")).not.toMatch(/ListenOverflows|Capture beside/);
    // The appliance's own tools come before commands on other hosts.
    expect(d.nextSteps[1]).toMatch(/^On the gateway, run TCP Connection Test .*Ping Remote/);
    expect(d.nextSteps[2]).toMatch(/show route.*show netarp/);
  });

  it("tcp-syn-ack-dropped: the answer was seen and died on the way back; never 'no answer at all'", async () => {
    const d = await diag("tcp-syn-ack-dropped");
    expect(d.capturePoints?.died).toMatchObject({
      kind: "answer-lost",
      answeredAt: ["firewall-back.pcap", "backend-back.pcap"],
    });
    expect(d.explanation).not.toMatch(/no answer/);
    expect(d.explanation).toMatch(
      /answers were seen at firewall-back\.pcap.*dropped on the way back, in the firewall itself/,
    );
    expect(d.nextSteps[0]).toMatch(/answer dropped in the firewall itself.*return direction/);
  });

  it("tls-unknown-ca: the next steps use the reason the log names", async () => {
    const d = await diag("tls-unknown-ca");
    expect(d.cause).toBe("tls.handshake-failure");
    expect(d.nextSteps[0]).toContain("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(d.nextSteps[0]).toMatch(/validation credentials/);
    expect(d.explanation).toMatch(/does not trust the CA/);
  });

  it("backend-overloaded: the burst's unanswered connects are one statement with every point and frame", async () => {
    const d = await diag("backend-overloaded");
    const burst = d.evidence.find((e) => /got no answer to its SYNs \(\d+ connections\)/.test(e.statement));
    expect(burst, d.evidence.map((e) => e.statement).join("\n")).toBeDefined();
    expect(new Set(burst!.places!.map((p) => p.source))).toEqual(
      new Set(["gateway-mid.pcap", "firewall-mid.pcap", "firewall-back.pcap", "backend-back.pcap"]),
    );
    expect(d.evidence.filter((e) => /timed out after/.test(e.statement))).toHaveLength(1);
    expect(d.nextSteps[0]).toMatch(/reached backend-back\.pcap and got no answer/);
  });

  it("net-packet-loss-synack-lost: says where the loss happened, in the explanation and the first step", async () => {
    const d = await diag("net-packet-loss-synack-lost");
    expect(d.cause).toBe("net.packet-loss");
    const where =
      "1 answer(s) lost in the firewall itself (between firewall-mid.pcap and firewall-back.pcap)";
    expect(d.explanation).toContain(`The captures show where: ${where}.`);
    expect(d.nextSteps[0]).toContain(where);
  });

  it("net-wrong-route: points are in path order, the front capture first and the backend's last", async () => {
    const d = await diag("net-wrong-route");
    expect(d.capturePoints?.order.map((p) => p.source)).toEqual([
      "gateway-front.pcap",
      "gateway-mid.pcap",
      "firewall-mid.pcap",
      "firewall-back.pcap",
      "backend-back.pcap",
    ]);
  });
});

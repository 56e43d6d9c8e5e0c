import { describe, expect, it } from "vitest";
import { flowSummaryLines, formatFlowSummary } from "./format-text.js";
import type { FlowSummary, TcpConnection } from "./types.js";

/** A served connection's record, as the text reads it. */
function conn(i: number): TcpConnection {
  return {
    uid: `T${i + 1}`,
    start: 1_700_000_000 + i / 1000,
    duration: 0.002,
    id: { proto: "tcp", origH: "10.1.0.2", origP: 20000 + (i % 40000), respH: "10.2.0.10", respP: 80 },
    connState: "SF",
    history: "ShADadFf",
    origPkts: 5,
    respPkts: 3,
    origBytes: 30,
    respBytes: 40,
    syns: [{ capture: 0, n: 1, ts: 0 }],
    synGaps: [],
    handshakeRtt: 0.0001,
    responseDelay: 0.001,
    closedBy: { by: "orig", how: "fin", ref: { capture: 0, n: 6, ts: 0 } },
    tls: null,
    icmpErrors: [],
  } as unknown as TcpConnection;
}

function summary(n: number): FlowSummary {
  return {
    captures: [{ path: "big.pcap", format: "pcap", linkTypes: [1], packets: n * 8, truncated: false }],
    tcp: Array.from({ length: n }, (_, i) => conn(i)),
    datagrams: [],
    dns: [],
    icmp: [],
    arp: [],
    tls: [],
    problems: [],
  } as unknown as FlowSummary;
}

describe("the flows text", () => {
  it("lists a capture of 300,000 connections (more lines than a call takes arguments)", () => {
    const lines = flowSummaryLines(summary(300_000));
    expect(lines).toHaveLength(1 + 2 + 1 + 300_000);
    expect(lines[3]).toMatch(/^uid\s+ts\s+orig_h/);
    expect(lines[4]).toMatch(
      /^T1\s+1700000000\.000000\s+10\.1\.0\.2\s+20000\s+10\.2\.0\.10\s+80\s+tcp\s+0\.002\s+SF\s+ShADadFf/,
    );
    expect(lines[4]).toMatch(/rtt 0\.10ms; resp after 0\.001s; closed by orig fin$/);
  });

  it("is its lines, each ending in a newline", () => {
    const s = summary(3);
    expect(formatFlowSummary(s)).toBe(flowSummaryLines(s).join("\n") + "\n");
  });
});

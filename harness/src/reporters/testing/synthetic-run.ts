/** Synthetic run results and flow summaries for reporter tests (plain data, no runner needed). */
import type { RunSummary, ScenarioRunResult } from "../../runner/result-types.js";
import type { FlowSummary, TcpConnection, TcpSegmentRef } from "../../flows/types.js";
import { TcpFlags } from "../../flows/types.js";
import type { Cause } from "../../taxonomy.js";

export const HOSTILE = `<script>alert("x")</script>&<img src=x onerror=alert(1)>'\u0001`;

export function result(
  id: string,
  expected: Cause,
  diagnosed: Cause | null,
  extra: Partial<ScenarioRunResult> = {},
): ScenarioRunResult {
  return {
    id,
    scenario: id.replace(/-\d+$/, ""),
    description: `synthetic ${id}`,
    repeat: 1,
    repeats: 1,
    expected,
    gateway: "backside",
    diagnosed,
    match: expected === diagnosed,
    confidence: diagnosed ? "high" : null,
    explanation: diagnosed ? `looks like ${diagnosed}` : "",
    evidence: diagnosed ? [{ text: `evidence for ${diagnosed}`, source: "gateway-mid.pcap#3" }] : [],
    nextSteps: ["check the firewall"],
    alternatives: [],
    capturePoints: [],
    tags: [],
    interrupted: false,
    partial: false,
    partialReasons: [],
    timings: { bringUp: 1200, faultWait: 3400, collect: 500, diagnose: 80, teardown: 100, total: 5400 },
    requests: [{ index: 0, status: 500, exitCode: 0, seconds: 3.1 }],
    bundle: id,
    artifacts: {
      pcaps: ["gateway-mid.pcap"],
      gatewayLog: "gateway.log",
      errorReport: "error-report.txt",
      other: ["verdict.json"],
    },
    startedAt: "2026-11-25T02:00:00.000Z",
    runId: "r-test",
    ...extra,
  };
}

export function summary(
  results: ScenarioRunResult[],
  reportDir: string,
  extra: Partial<RunSummary> = {},
): RunSummary {
  return {
    startedAt: "2026-11-25T02:00:00.000Z",
    finishedAt: "2026-11-25T02:01:00.000Z",
    wallMs: 60_000,
    reportDir,
    results,
    interrupted: false,
    notRun: [],
    parallel: 1,
    repeats: 1,
    ...extra,
  };
}

function seg(n: number, ts: number, dir: "orig" | "resp", flags: number, len = 0): TcpSegmentRef {
  return { capture: 0, n, ts, dir, flags, seq: 0, ack: 0, len, window: 64240, ttl: 64, badChecksum: false };
}

/** A connection whose SYN was answered by RST+ACK (REJ), with a hostile-looking address text. */
export function refusedFlows(origH = "10.100.5.10", respH = "10.100.6.10"): FlowSummary {
  const { SYN, RST, ACK } = TcpFlags;
  const segments = [seg(1, 100, "orig", SYN), seg(2, 100.001, "resp", RST | ACK)];
  const conn: TcpConnection = {
    uid: "T0",
    capture: 0,
    synMss: 1460,
    synWindowScale: 7,
    synMacs: null,
    id: { proto: "tcp", origH, origP: 40000, respH, respP: 80 },
    connState: "REJ",
    history: "Sr",
    start: 100,
    duration: 0.001,
    origPkts: 1,
    respPkts: 1,
    origBytes: 0,
    respBytes: 0,
    origIpBytes: 60,
    respIpBytes: 40,
    syns: [segments[0]],
    synGaps: [],
    synAcks: [],
    handshakeRtt: null,
    handshakeAck: null,
    firstOrigData: null,
    firstRespData: null,
    responseDelay: null,
    origClose: null,
    respClose: { by: "resp", how: "rst", ref: segments[1] },
    closedBy: { by: "resp", how: "rst", ref: segments[1] },
    resets: [{ ...segments[1], dir: "resp" }],
    retransmissions: 0,
    zeroWindows: 0,
    origTtls: [64],
    respTtls: [63],
    segments,
    segmentsTruncated: false,
    tls: null,
    icmpErrors: [],
  };
  return {
    captures: [],
    packets: 2,
    tcp: [conn],
    datagrams: [],
    dns: [],
    icmp: [],
    arp: [],
    tls: [],
    problems: [],
  };
}

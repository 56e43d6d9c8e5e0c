/**
 * A ladder (sequence) diagram's model, drawn from flow analysis: the failing TCP connection with
 * its segments and the ICMP errors quoting it, or, when no TCP connection was made, the DNS
 * exchanges. Only data from the capture; nothing from the scenario.
 */
import type { FlowSummary, TcpConnection, DnsTransaction } from "../flows/types.js";
import { TcpFlags } from "../flows/types.js";

export type LadderKind =
  "syn" | "synack" | "ack" | "data" | "fin" | "rst" | "icmp" | "dns-query" | "dns-answer";

export interface LadderEvent {
  /** Seconds since the first event. */
  t: number;
  from: number;
  to: number;
  label: string;
  kind: LadderKind;
}

export interface Ladder {
  title: string;
  /** Lane captions (addresses with ports where they matter). */
  lanes: string[];
  events: LadderEvent[];
  /** More events existed than are drawn. */
  truncated: boolean;
}

export const MAX_LADDER_EVENTS = 40;

/** The connection the diagram is about: the last one that did not end well, else the last one. */
export function pickConnection(tcp: readonly TcpConnection[]): TcpConnection | undefined {
  const bad = tcp.filter((c) => c.connState !== "SF" || c.resets.length > 0 || c.icmpErrors.length > 0);
  return (bad.length ? bad : tcp).at(-1);
}

function flagLabel(flags: number, len: number): { label: string; kind: LadderKind } {
  const f = (b: number) => (flags & b) !== 0;
  if (f(TcpFlags.RST)) return { label: f(TcpFlags.ACK) ? "RST-ACK" : "RST", kind: "rst" };
  if (f(TcpFlags.SYN))
    return f(TcpFlags.ACK) ? { label: "SYN-ACK", kind: "synack" } : { label: "SYN", kind: "syn" };
  if (f(TcpFlags.FIN)) return { label: len > 0 ? `FIN-ACK len=${len}` : "FIN-ACK", kind: "fin" };
  if (len > 0) return { label: `${f(TcpFlags.PSH) ? "PSH-ACK" : "ACK"} len=${len}`, kind: "data" };
  return { label: "ACK", kind: "ack" };
}

export function tcpLadder(summary: FlowSummary, conn: TcpConnection): Ladder {
  const lanes = [`${conn.id.origH}:${conn.id.origP}`, `${conn.id.respH}:${conn.id.respP}`];
  const raw: (Omit<LadderEvent, "t"> & { ts: number })[] = [];
  for (const s of conn.segments) {
    const { label, kind } = flagLabel(s.flags, s.len);
    raw.push({ ts: s.ts, from: s.dir === "orig" ? 0 : 1, to: s.dir === "orig" ? 1 : 0, label, kind });
  }
  for (const idx of conn.icmpErrors) {
    const e = summary.icmp[idx];
    if (!e) continue;
    let lane = e.sender === conn.id.respH ? 1 : e.sender === conn.id.origH ? 0 : lanes.indexOf(e.sender);
    if (lane < 0) {
      lanes.push(e.sender);
      lane = lanes.length - 1;
    }
    raw.push({
      ts: e.ref.ts,
      from: lane,
      to: e.receiver === conn.id.origH ? 0 : 1,
      label: `ICMP ${e.kind} (${e.type}/${e.code})`,
      kind: "icmp",
    });
  }
  raw.sort((a, b) => a.ts - b.ts);
  return finish(`${conn.uid} ${conn.connState} ${conn.history}`, lanes, raw, conn.segmentsTruncated);
}

export function dnsLadder(dns: readonly DnsTransaction[]): Ladder {
  const lanes: string[] = [];
  const lane = (a: string) => (lanes.includes(a) ? lanes.indexOf(a) : lanes.push(a) - 1);
  const raw: (Omit<LadderEvent, "t"> & { ts: number })[] = [];
  for (const d of dns) {
    const c = lane(d.client);
    const s = lane(`${d.server}:${d.serverPort}`);
    const q = `${d.qtypeName ?? "?"} ${d.query ?? "?"}`;
    d.queries.forEach((ref, i) =>
      raw.push({ ts: ref.ts, from: c, to: s, label: `${i ? "retry " : ""}query ${q}`, kind: "dns-query" }),
    );
    if (d.response) {
      const answer = d.answers.filter((a) => a.section === "answer").map((a) => a.data);
      raw.push({
        ts: d.response.ts,
        from: s,
        to: c,
        label: `${d.rcodeName ?? d.rcode}${answer.length ? ` ${answer.join(",")}` : ""}${d.truncated ? " TC" : ""}`,
        kind: "dns-answer",
      });
    }
  }
  raw.sort((a, b) => a.ts - b.ts);
  return finish("DNS exchanges", lanes, raw, false);
}

function finish(
  title: string,
  lanes: string[],
  raw: (Omit<LadderEvent, "t"> & { ts: number })[],
  truncated: boolean,
): Ladder {
  const t0 = raw[0]?.ts ?? 0;
  const events = raw.slice(0, MAX_LADDER_EVENTS).map(({ ts, ...e }) => ({ ...e, t: ts - t0 }));
  return { title, lanes, events, truncated: truncated || raw.length > MAX_LADDER_EVENTS };
}

/** The diagram for a scenario's capture, or null when it holds neither TCP nor DNS. */
export function ladderFor(summary: FlowSummary): Ladder | null {
  const conn = pickConnection(summary.tcp);
  if (conn) return tcpLadder(summary, conn);
  if (summary.dns.length) return dnsLadder(summary.dns);
  return null;
}

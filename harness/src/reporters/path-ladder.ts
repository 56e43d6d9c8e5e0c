/**
 * The path ladder: the failing connection drawn across every capture point of a bundle, one lane
 * per point in path order (the engine's order, path-order.ts). A packet is one row, drawn from
 * the first point that saw it to the last, with a cross where it was last seen when it did not
 * reach the far end; frame numbers per point, absolute and relative times, protocol names
 * (SYN, Client Hello, alert names, HTTP request/response), retransmissions marked, and the
 * gateway's log events on the same timeline. Only data from the captures and the log.
 */
import type { FlowSummary, TcpConnection, TcpSegmentRef } from "../flows/types.js";
import { TcpFlags } from "../flows/types.js";
import { parseLog } from "../appliance/log-reader.js";
import { LOG_LEVELS } from "../appliance/types.js";
import { pointName } from "../engine/path-order.js";
import { pickConnection } from "./ladder.js";

export interface PathLane {
  source: string;
  /** `gateway (mid)`. */
  role: string;
  /** The address this point shows for its node, when the connection tells (gateway and backend ends). */
  address: string;
}

export type RowKind = "syn" | "synack" | "ack" | "data" | "tls" | "fin" | "rst" | "log";

export interface PathRow {
  /** Seconds since the connection's first packet. */
  t: number;
  /** Epoch seconds. */
  ts: number;
  kind: RowKind;
  label: string;
  /** Lane index where it was first and last seen; equal for a log event. */
  from: number;
  to: number;
  /** Which way it travelled: toward the backend (orig) or the gateway (resp). */
  dir: "orig" | "resp" | "none";
  /** It stopped before the end lane of its direction: drawn with a cross at `to`. */
  lost: boolean;
  retransmission: boolean;
  /** Frame number of this packet in each capture that saw it. */
  frames: { lane: number; n: number }[];
}

export interface PathLadder {
  title: string;
  history: string;
  lanes: PathLane[];
  rows: PathRow[];
  truncated: boolean;
}

export const MAX_PATH_ROWS = 60;

function tcpLabel(
  s: TcpSegmentRef,
  tls: Map<number, string>,
  port: number,
): { label: string; kind: RowKind } {
  const f = (b: number) => (s.flags & b) !== 0;
  if (f(TcpFlags.RST)) return { label: f(TcpFlags.ACK) ? "RST-ACK" : "RST", kind: "rst" };
  if (f(TcpFlags.SYN))
    return f(TcpFlags.ACK) ? { label: "SYN-ACK", kind: "synack" } : { label: "SYN", kind: "syn" };
  const named = tls.get(s.n);
  if (named) return { label: named, kind: "tls" };
  if (f(TcpFlags.FIN)) return { label: s.len > 0 ? `FIN (${s.len} bytes)` : "FIN", kind: "fin" };
  if (s.len > 0) {
    const http = port === 80 || port === 8080;
    const what = http ? (s.dir === "orig" ? "HTTP request" : "HTTP response") : "data";
    return { label: `${what} (${s.len} bytes)`, kind: "data" };
  }
  return { label: "ACK", kind: "ack" };
}

const TLS_NAMES: Record<string, string> = {
  client_hello: "Client Hello",
  server_hello: "Server Hello",
  certificate: "Certificate",
  server_key_exchange: "Server Key Exchange",
  server_hello_done: "Server Hello Done",
  client_key_exchange: "Client Key Exchange",
  finished: "Finished",
};

/** TLS message and alert names by frame number, as tshark's Info column says them. */
function tlsNames(s: FlowSummary, uid: string): Map<number, string> {
  const out = new Map<number, string[]>();
  const add = (n: number, t: string) => out.set(n, [...(out.get(n) ?? []), t]);
  for (const t of s.tls.filter((x) => x.uid === uid)) {
    for (const m of t.handshake) add(m.n, TLS_NAMES[m.typeName] ?? m.typeName);
    for (const a of t.alerts) add(a.n, `Alert ${a.descriptionName ?? "(encrypted)"}`);
  }
  return new Map([...out.entries()].map(([n, v]) => [n, v.join(", ")]));
}

const same = (a: TcpConnection, b: TcpConnection) =>
  a.id.origH === b.id.origH &&
  a.id.origP === b.id.origP &&
  a.id.respH === b.id.respH &&
  a.id.respP === b.id.respP;

/**
 * `points` in path order, each with its own analysis. `conn` picks the connection (the last
 * failing one at the first point that has any, by default).
 */
export function buildPathLadder(
  points: readonly { source: string; summary: FlowSummary }[],
  logText?: string,
  conn?: TcpConnection,
): PathLadder | null {
  const base = conn ?? points.map((p) => pickConnection(p.summary.tcp)).find(Boolean);
  if (!base) return null;
  const views = points.map((p) => {
    const c = p.summary.tcp.find((x) => same(x, base) && Math.abs(x.start - base.start) < 5);
    return { c, tls: c ? tlsNames(p.summary, c.uid) : new Map<number, string>() };
  });
  const lanes = points.map((p, i): PathLane => {
    const { node, segment } = pointName(p.source);
    const address = i === 0 ? base.id.origH : i === points.length - 1 ? base.id.respH : "";
    return { source: p.source, role: segment ? `${node} (${segment})` : node, address };
  });
  // One packet seen at several points is one row: matched by direction, flags, sequence, length
  // and how many times that same segment was seen before at this point (retransmissions).
  const rows = new Map<string, PathRow>();
  views.forEach((v, lane) => {
    if (!v.c) return;
    const count = new Map<string, number>();
    for (const s of v.c.segments) {
      const bare = s.len === 0 && (s.flags & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST)) === 0;
      const k0 = `${s.dir}|${s.flags}|${s.seq}|${s.len}|${bare ? s.ack : ""}`;
      const k = count.get(k0) ?? 0;
      count.set(k0, k + 1);
      const key = `${k0}|${k}`;
      const row = rows.get(key);
      if (row) {
        row.from = Math.min(row.from, lane);
        row.to = Math.max(row.to, lane);
        row.frames.push({ lane, n: s.n });
        continue;
      }
      const { label, kind } = tcpLabel(s, v.tls, base.id.respP);
      rows.set(key, {
        t: 0,
        ts: s.ts,
        kind,
        label,
        from: lane,
        to: lane,
        dir: s.dir,
        lost: false,
        retransmission: k > 0,
        frames: [{ lane, n: s.n }],
      });
    }
  });
  const last = lanes.length - 1;
  const all = [...rows.values()];
  for (const r of all) {
    // An orig packet should reach the last lane, an answer the first; one that did not was lost after its last point.
    r.lost = lanes.length > 1 && (r.dir === "orig" ? r.to < last : r.from > 0);
    if (r.dir === "resp") [r.from, r.to] = [r.to, r.from];
  }
  all.push(...logRows(logText, all));
  all.sort((a, b) => a.ts - b.ts);
  const t0 = all.find((r) => r.kind !== "log")?.ts ?? all[0]?.ts ?? 0;
  for (const r of all) r.t = r.ts - t0;
  return {
    title: `${base.id.origH}:${base.id.origP} → ${base.id.respH}:${base.id.respP}`,
    history: `${base.connState} ${base.history}`,
    lanes,
    rows: all.slice(0, MAX_PATH_ROWS),
    truncated: all.length > MAX_PATH_ROWS,
  };
}

const WARN = LOG_LEVELS.indexOf("warn");

/** The gateway's log events during the connection (warnings and worse, network and DNS lines). */
function logRows(text: string | undefined, rows: PathRow[]): PathRow[] {
  if (!text || !rows.length) return [];
  const first = Math.min(...rows.map((r) => r.ts)) - 1;
  const lastTs = Math.max(...rows.map((r) => r.ts)) + 5;
  return parseLog(text)
    .entries.filter(
      (e) => LOG_LEVELS.indexOf(e.level) <= WARN || e.category === "network" || e.category === "dns",
    )
    .map((e) => ({ e, ts: e.time / 1000 }))
    .filter(({ ts }) => ts >= first && ts <= lastTs)
    .slice(0, 12)
    .map(({ e, ts }) => ({
      t: 0,
      ts,
      kind: "log" as const,
      label: `log: ${e.message}`.slice(0, 120),
      from: 0,
      to: 0,
      dir: "none" as const,
      lost: false,
      retransmission: false,
      frames: [],
    }));
}

/** For bursts: every backend connection at the first point, with how far its SYN got. */
export interface BurstRow {
  conn: string;
  history: string;
  /** Per lane: whether the SYN was seen there. */
  seen: boolean[];
}

export function burstRows(
  points: readonly { source: string; summary: FlowSummary }[],
  base: TcpConnection,
): BurstRow[] {
  const first =
    points[0]?.summary.tcp.filter((c) => c.id.respH === base.id.respH && c.id.respP === base.id.respP) ?? [];
  return first.map((c) => ({
    conn: `${c.id.origH}:${c.id.origP}`,
    history: `${c.connState} ${c.history}`,
    seen: points.map((p) => p.summary.tcp.some((x) => same(x, c) && x.syns.length > 0)),
  }));
}

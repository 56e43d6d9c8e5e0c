/**
 * The path ladder: the failing connection drawn across every capture point of a bundle, one lane
 * per point in path order (the engine's order, path-order.ts) plus the DNS server where DNS was
 * asked. A packet is one row, drawn from the first point that saw it to the last, with a cross
 * where it was last seen when it did not reach the far end; frame numbers per point, absolute and
 * relative times, protocol names, retransmissions marked, ICMP errors quoting the connection, and
 * the gateway's log events on the same timeline. Only data from the captures and the log.
 * Payload lines and hop addresses are filled in afterwards from the capture files
 * (path-ladder-labels.ts).
 */
import type { FlowSummary, TcpConnection, TcpSegmentRef } from "../flows/types.js";
import { TcpFlags } from "../flows/types.js";
import { pointName, roleRanks } from "../engine/path-order.js";
import { icmpName } from "../engine/icmp-codes.js";
import { pickConnection } from "./pick-connection.js";
import { tlsFrameNames } from "./tls-info-text.js";
import { dnsRows } from "./path-ladder-dns.js";
import { logRows } from "./path-ladder-log.js";

export interface LadderPoint {
  source: string;
  summary: FlowSummary;
}

export interface PathLane {
  /** The capture file at this lane; "" for a node no capture stands beside (its packets' ends drawn dotted). */
  source: string;
  /** gateway, firewall, backend, dns (the node the capture's name gives). */
  role: string;
  /** The segment the capture is on (`mid`), "" when the name gives none. */
  side: string;
  /** The node's address on that segment, "" when the captures do not tell. */
  address: string;
}

export type RowKind = "syn" | "synack" | "ack" | "data" | "tls" | "fin" | "rst" | "icmp" | "dns" | "log";

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
  /**
   * The lanes whose captures saw it, in travel order; the rest of from..to is a stretch no
   * capture covers (from its sender, or to a node that answered), drawn dotted.
   */
  seen: [number, number];
  /** It left the last capture point toward a node no capture stands beside, and nothing tells whether it arrived. */
  unknown: boolean;
  /** Payload bytes, for a data row whose first line the capture may tell. */
  len: number;
}

export interface PathLadder {
  title: string;
  history: string;
  lanes: PathLane[];
  rows: PathRow[];
  truncated: boolean;
  /** The connection's two addresses (gateway, backend); empty for DNS alone. */
  ends: string[];
}

export const MAX_PATH_ROWS = 60;

function tcpLabel(s: TcpSegmentRef, tls: Map<number, string>): { label: string; kind: RowKind } {
  const f = (b: number) => (s.flags & b) !== 0;
  if (f(TcpFlags.RST)) return { label: f(TcpFlags.ACK) ? "RST-ACK" : "RST", kind: "rst" };
  if (f(TcpFlags.SYN))
    return f(TcpFlags.ACK) ? { label: "SYN-ACK", kind: "synack" } : { label: "SYN", kind: "syn" };
  const named = tls.get(s.n);
  if (named) return { label: named, kind: "tls" };
  if (f(TcpFlags.FIN)) return { label: s.len > 0 ? `FIN (${s.len} bytes)` : "FIN", kind: "fin" };
  if (s.len > 0) return { label: `data (${s.len} bytes)`, kind: "data" };
  return { label: "ACK", kind: "ack" };
}

/** The same 4-tuple. */
export const sameConnection = (a: TcpConnection, b: TcpConnection) =>
  a.id.origH === b.id.origH &&
  a.id.origP === b.id.origP &&
  a.id.respH === b.id.respH &&
  a.id.respP === b.id.respP;

/** The connection's record at one point (the same 4-tuple starting within 5 s). */
export function viewAt(p: LadderPoint, base: TcpConnection): TcpConnection | undefined {
  return p.summary.tcp.find((x) => sameConnection(x, base) && Math.abs(x.start - base.start) < 5);
}

/** Names of middle boxes a capture's file name may start with. */
const MIDDLE = /^(firewall|fw|router|proxy|lb|nat)$/i;

/**
 * A lane per capture point (the gateway's address where the connection was seen there; the
 * backend's, the one connected to), plus the connection's two ends where no capture stands
 * beside them: its packets start from the sender and reach the node that answered, dotted.
 */
function lanesFor(
  points: readonly LadderPoint[],
  base: TcpConnection | undefined,
): { lanes: PathLane[]; off: number } {
  const ranks = roleRanks(points.map((p) => p.source));
  const lanes = points.map((p): PathLane => {
    const { node, segment } = pointName(p.source);
    const rank = ranks.get(p.source);
    // A name that tells no role (`capture.pcap`, `tcp-refused-curl.pcap`) is just a capture point.
    const known = (rank !== undefined && rank !== 1.5) || MIDDLE.test(node);
    const role = rank === 0 ? "gateway" : rank === 3 ? "backend" : known ? node : "capture";
    const gw = base && rank === 0 && viewAt(p, base) ? base.id.origH : "";
    const address = base && rank === 3 ? base.id.respH : gw;
    return { source: p.source, role, side: known ? segment : "", address };
  });
  const bare = (role: string, address: string): PathLane => ({ source: "", role, side: "", address });
  const left = !lanes.some((l) => l.role === "gateway");
  if (!base) {
    // DNS alone: the gateway asked, wherever the captures stand (its address comes from the exchanges).
    if (left) lanes.unshift(bare("gateway", ""));
    return { lanes, off: left ? 1 : 0 };
  }
  if (!lanes.some((l) => l.role === "backend")) lanes.push(bare("backend", base.id.respH));
  if (left) lanes.unshift(bare("gateway", base.id.origH));
  return { lanes, off: left ? 1 : 0 };
}

/**
 * Where each TCP row starts and ends. Seen at lanes lo..hi: an orig packet that stopped before
 * the last capture point was lost there; one that reached it went on to the backend when an
 * answer followed before its next copy, else its fate is unknown. Answers the same way back.
 */
function place(
  rows: PathRow[],
  next: Map<PathRow, number>,
  lanes: PathLane[],
  off: number,
  caps: number,
): void {
  const firstCap = off;
  const lastCap = off + caps - 1;
  const leftEnd = off > 0 ? 0 : -1;
  const rightEnd =
    lanes[lastCap + 1]?.source === "" && lanes[lastCap + 1].role === "backend" ? lastCap + 1 : -1;
  const answered = (r: PathRow) =>
    rows.some((o) => o.dir !== r.dir && o.kind !== "icmp" && o.ts > r.ts && o.ts < (next.get(r) ?? Infinity));
  for (const r of rows) {
    const [lo, hi] = [r.from, r.to];
    if (r.dir === "orig") {
      r.seen = [lo, hi];
      r.from = leftEnd >= 0 ? leftEnd : lo;
      r.lost = caps > 1 && hi < lastCap;
      const on = !r.lost && rightEnd >= 0;
      r.to = on && answered(r) ? rightEnd : hi;
      r.unknown = on && r.to === hi;
    } else {
      r.seen = [hi, lo];
      r.from = rightEnd >= 0 && r.kind !== "icmp" ? rightEnd : hi;
      r.lost = caps > 1 && lo > firstCap;
      const on = !r.lost && leftEnd >= 0;
      r.to = on && answered(r) ? leftEnd : lo;
      r.unknown = on && r.to === lo;
    }
  }
}

/**
 * One packet seen at several points is one row: matched by what it carries (direction, flags,
 * sequence, length) and, among identical copies (retransmissions), by the nearest time, since
 * the copy that got through may be the third, not the first. All but the earliest copy are
 * marked retransmissions.
 */
function tcpRows(
  points: readonly LadderPoint[],
  base: TcpConnection,
  off: number,
): { rows: PathRow[]; next: Map<PathRow, number> } {
  const rows = new Map<string, PathRow[]>();
  const next = new Map<PathRow, number>();
  points.forEach((p, i) => {
    const lane = i + off;
    const c = viewAt(p, base);
    if (!c) return;
    const tls = tlsFrameNames(p.summary, c.uid);
    for (const s of c.segments) {
      const bare = s.len === 0 && (s.flags & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST)) === 0;
      add(rows, `${s.dir}|${s.flags}|${s.seq}|${s.len}|${bare ? s.ack : ""}`, lane, s.n, s.ts, () => ({
        ...tcpLabel(s, tls),
        dir: s.dir,
        len: s.len,
      }));
    }
    for (const idx of c.icmpErrors) {
      const e = p.summary.icmp[idx];
      if (!e) continue;
      add(rows, `icmp|${e.sender}|${e.type}|${e.code}`, lane, e.ref.n, e.ref.ts, () => ({
        label: `ICMP ${icmpName(e)} from ${e.sender}`,
        kind: "icmp",
        dir: "resp",
        len: 0,
      }));
    }
  });
  for (const copies of rows.values()) {
    copies.sort((a, b) => a.ts - b.ts);
    copies.forEach((r, i) => {
      r.retransmission = i > 0 && r.kind !== "icmp";
      if (copies[i + 1]) next.set(r, copies[i + 1].ts);
    });
  }
  return { rows: [...rows.values()].flat(), next };
}

/** Copies of one packet at two points further apart than this are different copies. */
const SAME_COPY = 1;

function add(
  rows: Map<string, PathRow[]>,
  key: string,
  lane: number,
  n: number,
  ts: number,
  make: () => Pick<PathRow, "label" | "kind" | "dir" | "len">,
): void {
  const copies = rows.get(key) ?? [];
  rows.set(key, copies);
  let best: PathRow | undefined;
  for (const r of copies)
    if (
      !r.frames.some((f) => f.lane === lane) &&
      Math.abs(r.ts - ts) <= SAME_COPY &&
      (!best || Math.abs(r.ts - ts) < Math.abs(best.ts - ts))
    )
      best = r;
  if (best) {
    best.from = Math.min(best.from, lane);
    best.to = Math.max(best.to, lane);
    best.frames.push({ lane, n });
    return;
  }
  copies.push({
    t: 0,
    ts,
    from: lane,
    to: lane,
    lost: false,
    retransmission: false,
    frames: [{ lane, n }],
    seen: [lane, lane],
    unknown: false,
    ...make(),
  });
}

/**
 * `points` in path order, each with its own analysis. `conn` picks the connection (the last
 * failing one at the first point that has any, by default). With no TCP connection, the DNS
 * exchanges alone; null when there is neither.
 */
export function buildPathLadder(
  points: readonly LadderPoint[],
  logText?: string,
  conn?: TcpConnection,
): PathLadder | null {
  const base = conn ?? points.map((p) => pickConnection(p.summary.tcp)).find(Boolean);
  const { lanes, off } = lanesFor(points, base);
  const tcp = base ? tcpRows(points, base, off) : { rows: [], next: new Map<PathRow, number>() };
  const all = tcp.rows;
  place(all, tcp.next, lanes, off, points.length);
  const window = all.length
    ? { from: Math.min(...all.map((r) => r.ts)) - 2, to: Math.max(...all.map((r) => r.ts)) + 5 }
    : null;
  all.push(...dnsRows(points, lanes, window, base?.id.respH));
  if (!all.length) return null;
  all.push(...logRows(logText, all));
  all.sort((a, b) => a.ts - b.ts);
  const t0 = all.find((r) => r.kind !== "log")?.ts ?? all[0]?.ts ?? 0;
  for (const r of all) r.t = r.ts - t0;
  const dnsLane = lanes.find((l) => l.role === "dns");
  return {
    title: base
      ? `${base.id.origH}:${base.id.origP} → ${base.id.respH}:${base.id.respP}`
      : `DNS exchanges with ${dnsLane?.address || "the name server"}`,
    history: base ? `${base.connState} ${base.history}` : "",
    lanes,
    rows: all.slice(0, MAX_PATH_ROWS),
    truncated: all.length > MAX_PATH_ROWS,
    ends: base ? [base.id.origH, base.id.respH] : [],
  };
}

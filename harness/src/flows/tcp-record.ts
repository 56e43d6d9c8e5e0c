/** Turn a finished TcpSession into the public TcpConnection record. */
import { findSegment, segmentRefs } from "./segment-log.js";
import { TcpFlags, type PacketRef, type TcpConnection, type TcpSegmentRef } from "./types.js";
import type { TcpSession } from "./tcp-session.js";
import type { TlsState } from "./tls-state.js";

/** Where a record keeps its sealed segments; not enumerable, so JSON and test equality never see it. */
const LOG = Symbol("segments");

type WithLog = TcpConnection & { [LOG]: number[] };

/**
 * `segments` is an own enumerable accessor (JSON.stringify, spreads and deep equality read it like a
 * field) that builds the objects on each read: ~150k records holding segment objects until the end
 * of an analysis was what made memory grow with the file. One shared getter keeps every record on
 * the same hidden class. Assigning replaces it with a plain array.
 */
const segmentsProperty: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: WithLog): TcpSegmentRef[] {
    return segmentRefs(this[LOG], this.capture);
  },
  set(this: WithLog, v: TcpSegmentRef[]) {
    Object.defineProperty(this, "segments", { value: v, writable: true, enumerable: true, configurable: true });
  },
};

export function tcpRecord(s: TcpSession, uid: string, capture: number, tls: TlsState | null, syn: { mss: number | null; ws: number | null }): TcpConnection {
  const syns = s.synLike.filter((x) => x.dir === "orig" && !x.ack).map((x) => x.ref);
  const synAcks = s.synLike.filter((x) => x.dir === "resp" && x.ack).map((x) => x.ref);
  const synGaps: number[] = [];
  for (let i = 1; i < syns.length; i++) synGaps.push(syns[i].ts - syns[i - 1].ts);
  let handshakeRtt: number | null = null;
  if (synAcks.length && syns.length) {
    const sa = synAcks[0];
    const before = syns.filter((x) => x.ts <= sa.ts);
    if (before.length) handshakeRtt = sa.ts - before[before.length - 1].ts;
  }
  const sealed = s.log.seal();
  let handshakeAck: PacketRef | null = null;
  if (synAcks.length) {
    const sa = synAcks[0];
    // Segments of a record are all from its own capture, as is its SYN-ACK.
    const a = findSegment(sealed, (dir, flags, n) => dir === "orig" && n > sa.n && (flags & (TcpFlags.ACK | TcpFlags.SYN | TcpFlags.RST)) === TcpFlags.ACK);
    if (a && sa.capture === capture) handshakeAck = { capture, n: a.n, ts: a.ts };
  }
  const fo = s.firstData.orig;
  const fr = s.firstData.resp;
  const oc = s.close.orig;
  const rc = s.close.resp;
  const closedBy = oc && rc ? (oc.ref.n <= rc.ref.n ? oc : rc) : (oc ?? rc);
  const rec = {
    uid,
    capture,
    id: { proto: "tcp", origH: s.origH, origP: s.origP, respH: s.respH, respP: s.respP },
    connState: s.connState(),
    history: s.hist.text,
    start: s.start,
    duration: s.last - s.start,
    origPkts: s.orig.pkts,
    respPkts: s.resp.pkts,
    origBytes: s.orig.payloadBytes,
    respBytes: s.resp.payloadBytes,
    origIpBytes: s.orig.ipBytes,
    respIpBytes: s.resp.ipBytes,
    syns,
    synGaps,
    synAcks,
    handshakeRtt,
    handshakeAck,
    firstOrigData: fo,
    firstRespData: fr,
    responseDelay: fo && fr ? fr.ts - fo.ts : null,
    origClose: oc,
    respClose: rc,
    closedBy,
    // Arrays filled by push carry spare capacity (17 slots for the first push): copy exact.
    resets: s.resets.slice(),
    retransmissions: s.orig.rxmt + s.resp.rxmt,
    zeroWindows: s.orig.zeroWin + s.resp.zeroWin,
    origTtls: s.orig.ttls.slice(),
    respTtls: s.resp.ttls.slice(),
    segmentsTruncated: s.log.dropped > 0,
    segmentsDropped: s.log.dropped,
    tls: tls && tls.active ? tls.info : null,
    icmpErrors: [],
    synMss: syn.mss,
    synWindowScale: syn.ws,
  } as Omit<TcpConnection, "segments"> as TcpConnection;
  Object.defineProperty(rec, "segments", segmentsProperty);
  Object.defineProperty(rec, LOG, { value: sealed });
  return rec;
}

/**
 * Turn a finished TcpSession into the public TcpConnection record.
 *
 * A summary holds one record per connection for the whole analysis (~150k on the benchmark), so
 * the record is compact: counters and strings as fields, and the per-packet evidence (segments,
 * SYNs, closes, resets...) as two packed number arrays that getters turn into the public objects
 * on each read. Plain-object records with a dozen small objects each were most of the heap and
 * most of the garbage collector's time. `toJSON` gives the same document as a plain record.
 */
import { findSegment, segmentRefs } from "./segment-log.js";
import { SEGMENT_VIEW, packSegments, SegmentView } from "./segment-view.js";
import {
  TcpFlags,
  type ConnId,
  type ConnState,
  type Direction,
  type PacketRef,
  type TcpClose,
  type TcpConnection,
  type TcpSegmentRef,
  type TlsInfo,
} from "./types.js";
import { CLOSE, RST_STRIDE, SIDE, SYN_STRIDE, type TcpSession } from "./tcp-session.js";
import type { TlsState } from "./tls-state.js";

/** Event codes in the packed event array (code, ts, packet number per event, in packet order). */
const EV = {
  SYN: 1,
  SYN_ACK: 2,
  RST_ORIG: 3,
  RST_RESP: 4,
  DATA_ORIG: 5,
  DATA_RESP: 6,
  CLOSE_ORIG_FIN: 7,
  CLOSE_ORIG_RST: 8,
  CLOSE_RESP_FIN: 9,
  CLOSE_RESP_RST: 10,
  HANDSHAKE_ACK: 11,
} as const;

/** Assigning a derived field replaces the getter with a plain value on that record. */
function own<T>(rec: object, name: string, v: T): void {
  Object.defineProperty(rec, name, { value: v, writable: true, enumerable: true, configurable: true });
}

class TcpRecord implements TcpConnection {
  uid: string;
  capture: number;
  connState: ConnState;
  history: string;
  start: number;
  duration: number;
  origPkts: number;
  respPkts: number;
  origBytes: number;
  respBytes: number;
  origIpBytes: number;
  respIpBytes: number;
  handshakeRtt: number | null;
  responseDelay: number | null;
  retransmissions: number;
  zeroWindows: number;
  segmentsTruncated: boolean;
  segmentsDropped: number;
  tls: TlsInfo | null;
  icmpErrors: number[] = [];
  synMss: number | null;
  synWindowScale: number | null;
  synMacs: { src: string; dst: string } | null;
  readonly #origH: string;
  readonly #origP: number;
  readonly #respH: string;
  readonly #respP: number;
  /** One packed array: segments, then events (code, ts, n), then originator and responder TTLs (see the constructor). */
  readonly #d: number[];
  readonly #evStart: number;
  readonly #ttlStart: number;
  readonly #respTtlStart: number;
  readonly #end: number;

  /**
   * `d` holds the segments in [0, evStart), the events in [evStart, ttlStart), the originator's
   * TTLs in [ttlStart, respTtlStart) and the responder's in [respTtlStart, end).
   */
  constructor(
    s: TcpSession,
    uid: string,
    capture: number,
    tls: TlsState | null,
    syn: { mss: number | null; ws: number | null; macs?: { src: string; dst: string } | null },
    history: string,
    d: number[],
    bounds: { evStart: number; ttlStart: number; respTtlStart: number; end: number },
  ) {
    this.uid = uid;
    this.capture = capture;
    this.#origH = s.origH;
    this.#origP = s.origP;
    this.#respH = s.respH;
    this.#respP = s.respP;
    this.connState = s.connState();
    this.history = history;
    this.start = s.start;
    this.duration = s.last - s.start;
    this.origPkts = s.orig.pkts;
    this.respPkts = s.resp.pkts;
    this.origBytes = s.orig.payloadBytes;
    this.respBytes = s.resp.payloadBytes;
    this.origIpBytes = s.orig.ipBytes;
    this.respIpBytes = s.resp.ipBytes;
    this.handshakeRtt = null;
    this.responseDelay = null;
    this.retransmissions = s.orig.rxmt + s.resp.rxmt;
    this.zeroWindows = s.orig.zeroWin + s.resp.zeroWin;
    this.segmentsTruncated = s.log.dropped > 0;
    this.segmentsDropped = s.log.dropped;
    this.tls = tls && tls.active ? tls.info : null;
    this.synMss = syn.mss;
    this.synWindowScale = syn.ws;
    this.synMacs = syn.macs ?? null;
    this.#d = d;
    this.#evStart = bounds.evStart;
    this.#ttlStart = bounds.ttlStart;
    this.#respTtlStart = bounds.respTtlStart;
    this.#end = bounds.end;
  }

  private refs(code: number): PacketRef[] {
    const out: PacketRef[] = [];
    const e = this.#d;
    for (let i = this.#evStart; i < this.#ttlStart; i += 3)
      if (e[i] === code) out.push({ capture: this.capture, n: e[i + 2], ts: e[i + 1] });
    return out;
  }

  private ref(code: number): PacketRef | null {
    const e = this.#d;
    for (let i = this.#evStart; i < this.#ttlStart; i += 3)
      if (e[i] === code) return { capture: this.capture, n: e[i + 2], ts: e[i + 1] };
    return null;
  }

  private close(by: Direction): TcpClose | null {
    const fin = by === "orig" ? EV.CLOSE_ORIG_FIN : EV.CLOSE_RESP_FIN;
    const e = this.#d;
    for (let i = this.#evStart; i < this.#ttlStart; i += 3)
      if (e[i] === fin || e[i] === fin + 1)
        return {
          by,
          how: e[i] === fin ? "fin" : "rst",
          ref: { capture: this.capture, n: e[i + 2], ts: e[i + 1] },
        };
    return null;
  }

  get id(): ConnId & { proto: "tcp" } {
    return { proto: "tcp", origH: this.#origH, origP: this.#origP, respH: this.#respH, respP: this.#respP };
  }
  set id(v: ConnId & { proto: "tcp" }) {
    own(this, "id", v);
  }
  get origTtls(): number[] {
    return this.#d.slice(this.#ttlStart, this.#respTtlStart);
  }
  set origTtls(v: number[]) {
    own(this, "origTtls", v);
  }
  get respTtls(): number[] {
    return this.#d.slice(this.#respTtlStart, this.#end);
  }
  set respTtls(v: number[]) {
    own(this, "respTtls", v);
  }
  get syns(): PacketRef[] {
    return this.refs(EV.SYN);
  }
  set syns(v: PacketRef[]) {
    own(this, "syns", v);
  }
  get synGaps(): number[] {
    const syns = this.syns;
    const gaps: number[] = [];
    for (let i = 1; i < syns.length; i++) gaps.push(syns[i].ts - syns[i - 1].ts);
    return gaps;
  }
  set synGaps(v: number[]) {
    own(this, "synGaps", v);
  }
  get synAcks(): PacketRef[] {
    return this.refs(EV.SYN_ACK);
  }
  set synAcks(v: PacketRef[]) {
    own(this, "synAcks", v);
  }
  get handshakeAck(): PacketRef | null {
    return this.ref(EV.HANDSHAKE_ACK);
  }
  set handshakeAck(v: PacketRef | null) {
    own(this, "handshakeAck", v);
  }
  get firstOrigData(): PacketRef | null {
    return this.ref(EV.DATA_ORIG);
  }
  set firstOrigData(v: PacketRef | null) {
    own(this, "firstOrigData", v);
  }
  get firstRespData(): PacketRef | null {
    return this.ref(EV.DATA_RESP);
  }
  set firstRespData(v: PacketRef | null) {
    own(this, "firstRespData", v);
  }
  get origClose(): TcpClose | null {
    return this.close("orig");
  }
  set origClose(v: TcpClose | null) {
    own(this, "origClose", v);
  }
  get respClose(): TcpClose | null {
    return this.close("resp");
  }
  set respClose(v: TcpClose | null) {
    own(this, "respClose", v);
  }
  get closedBy(): TcpClose | null {
    const oc = this.origClose;
    const rc = this.respClose;
    return oc && rc ? (oc.ref.n <= rc.ref.n ? oc : rc) : (oc ?? rc);
  }
  set closedBy(v: TcpClose | null) {
    own(this, "closedBy", v);
  }
  get resets(): Array<PacketRef & { dir: Direction }> {
    const out: Array<PacketRef & { dir: Direction }> = [];
    const e = this.#d;
    for (let i = this.#evStart; i < this.#ttlStart; i += 3)
      if (e[i] === EV.RST_ORIG || e[i] === EV.RST_RESP)
        out.push({
          capture: this.capture,
          n: e[i + 2],
          ts: e[i + 1],
          dir: e[i] === EV.RST_ORIG ? "orig" : "resp",
        });
    return out;
  }
  set resets(v: Array<PacketRef & { dir: Direction }>) {
    own(this, "resets", v);
  }
  get segments(): TcpSegmentRef[] {
    return segmentRefs(this.#d, this.capture, this.#evStart);
  }
  set segments(v: TcpSegmentRef[]) {
    own(this, "segments", v);
  }

  /** The kept segments without an object each (segment-view.ts), unless `segments` was assigned. */
  [SEGMENT_VIEW](): SegmentView {
    if (Object.hasOwn(this, "segments")) return packSegments(this.segments);
    return new SegmentView(this.#d, this.capture, this.#evStart);
  }

  /** The plain record, fields in declaration order of TcpConnection (what JSON output showed before). */
  toJSON(): TcpConnection {
    return {
      uid: this.uid,
      capture: this.capture,
      id: this.id,
      connState: this.connState,
      history: this.history,
      start: this.start,
      duration: this.duration,
      origPkts: this.origPkts,
      respPkts: this.respPkts,
      origBytes: this.origBytes,
      respBytes: this.respBytes,
      origIpBytes: this.origIpBytes,
      respIpBytes: this.respIpBytes,
      syns: this.syns,
      synGaps: this.synGaps,
      synAcks: this.synAcks,
      handshakeRtt: this.handshakeRtt,
      handshakeAck: this.handshakeAck,
      firstOrigData: this.firstOrigData,
      firstRespData: this.firstRespData,
      responseDelay: this.responseDelay,
      origClose: this.origClose,
      respClose: this.respClose,
      closedBy: this.closedBy,
      resets: this.resets,
      retransmissions: this.retransmissions,
      zeroWindows: this.zeroWindows,
      origTtls: this.origTtls,
      respTtls: this.respTtls,
      segments: this.segments,
      segmentsTruncated: this.segmentsTruncated,
      segmentsDropped: this.segmentsDropped,
      tls: this.tls,
      icmpErrors: this.icmpErrors,
      synMss: this.synMss,
      synWindowScale: this.synWindowScale,
      synMacs: this.synMacs,
    };
  }
}

/**
 * `intern` maps a history string to one shared copy: a history built letter by letter is a chain
 * of cons strings (~30 bytes a letter), and a capture has few distinct histories.
 *
 * `scratch`: an array the record packs its evidence into and keeps, for a caller that reads the
 * record only until it makes the next one (a sink that copies what it needs): no array is made per
 * connection. Without it the record gets an exact-size array of its own.
 */
export function tcpRecord(
  s: TcpSession,
  uid: string,
  capture: number,
  tls: TlsState | null,
  syn: { mss: number | null; ws: number | null; macs?: { src: string; dst: string } | null },
  intern: (text: string) => string = (t) => t,
  scratch?: number[],
): TcpConnection {
  const d = scratch ?? [];
  const evStart = s.log.writeTo(d, 0);
  let k = evStart;
  const put = (code: number, ts: number, n: number) => {
    d[k] = code;
    d[k + 1] = ts;
    d[k + 2] = n;
    k += 3;
  };
  // The SYNs from the originator and the SYN-ACKs from the responder, in packet order.
  const syns = s.syns;
  let saTs = 0;
  let saN = -1;
  for (let o = 0; o < s.synCount * SYN_STRIDE; o += SYN_STRIDE) {
    const resp = syns[o + 2] === 1;
    const ack = syns[o + 3] === 1;
    if (!resp && !ack) put(EV.SYN, syns[o], syns[o + 1]);
    else if (resp && ack) {
      put(EV.SYN_ACK, syns[o], syns[o + 1]);
      if (saN < 0) {
        saTs = syns[o];
        saN = syns[o + 1];
      }
    }
  }
  let handshakeRtt: number | null = null;
  if (saN >= 0) {
    let before: number | null = null;
    for (let o = 0; o < s.synCount * SYN_STRIDE; o += SYN_STRIDE)
      if (syns[o + 2] === 0 && syns[o + 3] === 0 && syns[o] <= saTs) before = syns[o];
    if (before !== null) handshakeRtt = saTs - before;
    // Segments of a record are all from its own capture, as is its SYN-ACK.
    const a = findSegment(
      d,
      (dir, flags, n) =>
        dir === "orig" && n > saN && (flags & (TcpFlags.ACK | TcpFlags.SYN | TcpFlags.RST)) === TcpFlags.ACK,
      evStart,
    );
    if (a) put(EV.HANDSHAKE_ACK, a.ts, a.n);
  }
  const sd = s.sides;
  const foN = sd[SIDE.FIRST_DATA_N];
  const frN = sd[SIDE.FIRST_DATA_N + 1];
  const foTs = sd[SIDE.FIRST_DATA_TS];
  const frTs = sd[SIDE.FIRST_DATA_TS + 1];
  if (foN >= 0) put(EV.DATA_ORIG, foTs, foN);
  if (frN >= 0) put(EV.DATA_RESP, frTs, frN);
  const oc = sd[SIDE.CLOSE_HOW];
  const rc = sd[SIDE.CLOSE_HOW + 1];
  if (oc !== CLOSE.NONE)
    put(oc === CLOSE.FIN ? EV.CLOSE_ORIG_FIN : EV.CLOSE_ORIG_RST, sd[SIDE.CLOSE_TS], sd[SIDE.CLOSE_N]);
  if (rc !== CLOSE.NONE)
    put(
      rc === CLOSE.FIN ? EV.CLOSE_RESP_FIN : EV.CLOSE_RESP_RST,
      sd[SIDE.CLOSE_TS + 1],
      sd[SIDE.CLOSE_N + 1],
    );
  for (let o = 0; o < s.rstCount * RST_STRIDE; o += RST_STRIDE)
    put(s.rsts[o + 2] === 1 ? EV.RST_RESP : EV.RST_ORIG, s.rsts[o], s.rsts[o + 1]);
  const ttlStart = k;
  const respTtlStart = s.orig.writeTtls(d, ttlStart);
  const end = s.resp.writeTtls(d, respTtlStart);
  // slice makes an exact-size array (writing past the end leaves spare capacity).
  const own = scratch ? d : d.slice(0, end);
  const rec = new TcpRecord(s, uid, capture, tls, syn, intern(s.hist.text), own, {
    evStart,
    ttlStart,
    respTtlStart,
    end,
  });
  rec.handshakeRtt = handshakeRtt;
  rec.responseDelay = foN >= 0 && frN >= 0 ? frTs - foTs : null;
  return rec;
}

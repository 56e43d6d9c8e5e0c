/**
 * One capture point's TCP connections as the rules read them, stored by column: numbers in typed
 * arrays, texts as indexes into one list of distinct texts, the few variable-length lists (outcome
 * packets, SYN gaps, response waits) in a shared pool, all in chunks. A connection costs about 200 bytes that
 * the garbage collector never traces, instead of an object graph of several hundred. ConnFact
 * (conn-fact.ts) is the view of one row that the rules use.
 */
import type { IcmpError, TcpConnection } from "../flows/types.js";
import { F, FLAG, I, OUTCOME_CODE, POOL_CHUNK, ROW_MASK, ROW_SHIFT, type ConnExtra } from "./conn-columns.js";
import { ConnFact } from "./conn-fact.js";
import { readConn, requestAcked, type ConnRecord } from "./conn-outcome.js";
import { responseWaits } from "./response-wait.js";
import { segmentView, type SegmentView } from "../flows/segment-view.js";

/** TTLs that hosts start with (Linux and macOS 64, Windows 128, network gear 255): no router decremented them. */
const INITIAL_TTLS = new Set([64, 128, 255]);

export class ConnTable implements Iterable<ConnFact> {
  /** The capture point and its name, set when the point's facts are read (capture-evidence.ts). */
  point = -1;
  source = "";
  readonly f64: Float64Array[] = [];
  readonly i32: Int32Array[] = [];
  readonly pool: Float64Array[] = [];
  /** Numbers used in the last pool chunk. */
  private poolUsed = POOL_CHUNK;
  readonly texts: string[] = [];
  private readonly textIndex = new Map<string, number>();
  readonly extras: ConnExtra[] = [];
  private rows = 0;
  /** Row of each position, in the order the connections started; null until `seal`. */
  private order: Int32Array | null = null;

  get length(): number {
    return this.rows;
  }

  /** The row of the connection at `pos` (start order once sealed). */
  rowAt(pos: number): number {
    return this.order ? this.order[pos] : pos;
  }

  /** The view of the connection at `pos` (start order once sealed). */
  at(pos: number): ConnFact {
    return new ConnFact(this, this.rowAt(pos));
  }

  [Symbol.iterator](): Iterator<ConnFact> {
    let p = 0;
    // A plain iterator: a generator costs several times as much per step.
    return {
      next: () => (p < this.rows ? { value: this.at(p++), done: false } : { value: undefined, done: true }),
    };
  }

  text(i: number): string | undefined {
    return i < 0 ? undefined : this.texts[i];
  }

  private textOf(s: string | undefined): number {
    if (s === undefined) return -1;
    let i = this.textIndex.get(s);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(s);
      this.textIndex.set(s, i);
    }
    return i;
  }

  /** Makes room for one more row: a new chunk when the last is full. */
  private room(): void {
    if (this.rows >> ROW_SHIFT < this.f64.length) return;
    this.f64.push(new Float64Array((ROW_MASK + 1) * F.WIDTH));
    this.i32.push(new Int32Array((ROW_MASK + 1) * I.WIDTH));
  }

  /** Stores a row's lists one after another in one pool chunk; returns the chunk and the start. */
  private put(a: readonly number[], b: readonly number[], c: readonly number[]): [number, number] {
    const len = a.length + b.length + c.length;
    if (this.poolUsed + len > POOL_CHUNK || this.pool.length === 0) {
      this.pool.push(new Float64Array(Math.max(POOL_CHUNK, len)));
      this.poolUsed = 0;
    }
    const chunk = this.pool.length - 1;
    const at = this.poolUsed;
    const p = this.pool[chunk];
    let k = at;
    for (let j = 0; j < a.length; j++) p[k++] = a[j];
    for (let j = 0; j < b.length; j++) p[k++] = b[j];
    for (let j = 0; j < c.length; j++) p[k++] = c[j];
    // A list longer than a chunk filled its own: the next list starts a new one.
    this.poolUsed = len > POOL_CHUNK ? POOL_CHUNK : at + len;
    return [chunk, at];
  }

  /** Reduces an ended connection to its row: its outcome (conn-outcome.ts), counters and the packets that show it. */
  add(c: TcpConnection, icmp: readonly IcmpError[]): void {
    this.room();
    const segs = segmentView(c);
    const syns = c.syns;
    const v: ConnRecord = {
      syns,
      synAcks: c.synAcks,
      handshakeAck: c.handshakeAck,
      origClose: c.origClose,
      respClose: c.respClose,
      resets: c.resets,
      tls: c.tls,
      icmpErrors: c.icmpErrors,
      connState: c.connState,
      origBytes: c.origBytes,
      respBytes: c.respBytes,
    };
    const r = readConn(v, { icmp: icmp as IcmpError[] }, segs);
    const f = this.f64[this.rows >> ROW_SHIFT];
    const n = this.i32[this.rows >> ROW_SHIFT];
    const fo = (this.rows & ROW_MASK) * F.WIDTH;
    const io = (this.rows & ROW_MASK) * I.WIDTH;
    this.rows++;
    f[fo + F.START] = c.start;
    f[fo + F.END] = c.start + c.duration;
    f[fo + F.WAITED] = r.waited ?? NaN;
    f[fo + F.GAVE_UP_AT] = r.gaveUpAt ?? NaN;
    f[fo + F.FIRST_SYN_TS] = syns[0]?.ts ?? -1;
    f[fo + F.FIRST_SYN_N] = syns[0]?.n ?? -1;
    f[fo + F.FIRST_SYN_ACK_TS] = v.synAcks[0]?.ts ?? NaN;
    f[fo + F.REQUEST_BYTES] = r.requestBytes;
    f[fo + F.RESPONSE_BYTES] = r.responseBytes;
    f[fo + F.UID] = Number(c.uid.slice(1));
    const id = c.id;
    n[io + I.CLIENT] = this.textOf(id.origH);
    n[io + I.ADDRESS] = this.textOf(id.respH);
    n[io + I.CPORT] = id.origP;
    n[io + I.PORT] = id.respP;
    n[io + I.SYNS] = syns.length;
    n[io + I.RETRANSMISSIONS] = c.retransmissions;
    n[io + I.DUP_ACKS] = r.dupAcks;
    const refs: number[] = [];
    for (let k = 0; k < r.refs.length; k++) refs.push(r.refs[k].n, r.refs[k].ts);
    const gaps: number[] = [];
    for (let k = 1; k < syns.length; k++) gaps.push(syns[k].ts - syns[k - 1].ts);
    const waits = responseWaits(segs);
    const [chunk, at] = this.put(refs, gaps, waits);
    n[io + I.POOL_CHUNK] = chunk;
    n[io + I.POOL_AT] = at;
    n[io + I.REFS_LEN] = r.refs.length;
    n[io + I.GAPS_LEN] = gaps.length;
    n[io + I.WAITS_LEN] = waits.length;
    const synSeg = firstSegment(segs, false, (flags) => (flags & 0x12) === 0x02);
    const origTtl = c.origTtls[0];
    n[io + I.SYN_TTL] = synSeg >= 0 ? segs.ttl(synSeg) : (origTtl ?? -1);
    const answer = firstSegment(segs, true, (flags) => (flags & 0x06) !== 0);
    n[io + I.ANSWER_TTL] = answer >= 0 ? segs.ttl(answer) : -1;
    n[io + I.NEXT_HOP_MAC] = this.textOf(c.synMacs?.dst);
    n[io + I.CLIENT_MAC] = this.textOf(
      c.synMacs && INITIAL_TTLS.has(origTtl ?? 0) ? c.synMacs.src : undefined,
    );
    n[io + I.STATE] = this.textOf(c.connState);
    n[io + I.OUTCOME] = OUTCOME_CODE.get(r.outcome)!;
    n[io + I.FLAGS] =
      (r.lateHandshake ? FLAG.LATE_HANDSHAKE : 0) |
      (r.lateSynAck !== undefined ? FLAG.LATE_SYN_ACK_SET : 0) |
      (r.lateSynAck ? FLAG.LATE_SYN_ACK : 0) |
      (r.lateResponse ? FLAG.LATE_RESPONSE : 0) |
      (requestAcked(segs, r.gaveUpAt) ? FLAG.ACKED : 0);
    const extra = r.icmp !== undefined || r.tlsAlert !== undefined || r.tlsAlertBy !== undefined;
    n[io + I.EXTRA] = extra ? this.extras.length : -1;
    if (extra) this.extras.push({ icmp: r.icmp, tlsAlert: r.tlsAlert, tlsAlertBy: r.tlsAlertBy });
  }

  /**
   * Puts the rows in the order their connections started (uid order: the analyzer numbers uids
   * `T1`, `T2`... as connections open, rows are added as they end). Linear when the uids are
   * dense, as the analyzer's are; a sort otherwise.
   */
  seal(): void {
    const uid = (row: number) => this.f64[row >> ROW_SHIFT][(row & ROW_MASK) * F.WIDTH + F.UID];
    let max = 0;
    let plain = true;
    for (let row = 0; row < this.rows; row++) {
      const u = uid(row);
      if (!(u >= 1)) plain = false;
      else if (u > max) max = u;
    }
    const order = new Int32Array(this.rows);
    if (plain && max <= this.rows * 4 + 1024) {
      const slot = new Int32Array(max + 1).fill(-1);
      for (let row = 0; row < this.rows; row++) slot[uid(row)] = row;
      let p = 0;
      for (let u = 1; u <= max && p < this.rows; u++) if (slot[u] >= 0) order[p++] = slot[u];
      if (p === this.rows) {
        this.order = order;
        return;
      }
    }
    for (let row = 0; row < this.rows; row++) order[row] = row;
    order.sort((a, b) => uid(a) - uid(b) || a - b);
    this.order = order;
  }
}

/** The first segment from the responder (or originator) whose flags pass, or -1. */
function firstSegment(segs: SegmentView, resp: boolean, pass: (flags: number) => boolean): number {
  for (let i = 0; i < segs.length; i++) if (segs.resp(i) === resp && pass(segs.flags(i))) return i;
  return -1;
}

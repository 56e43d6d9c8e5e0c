/**
 * One TCP connection with Zeek's semantics: the per-packet steps of TCPSessionAdapter::Process
 * (src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc) — history, sequence bookkeeping, the
 * endpoint state machine and role flips — and conn_state from scripts/base/protocols/conn/main.zeek.
 */
import { TcpFlags, type ConnState, type Direction, type PacketRef } from "./types.js";
import { EP, HIST, History, seqDelta, TcpEndpoint } from "./tcp-endpoint.js";
import { SegmentLog } from "./segment-log.js";

const TOO_LARGE_SEQ_DELTA = 1048576;

export interface TcpPacketIn {
  /** Reused by the caller for the next packet: copy what is kept. */
  ref: PacketRef;
  flags: number;
  seq: number;
  ack: number;
  window: number;
  len: number;
  /** Payload bytes captured: a snapped segment's missing bytes were never seen (a content gap). */
  cap: number;
  ipLen: number;
  ttl: number;
  badChecksum: boolean;
}

/** Numbers per kept SYN-flagged packet (ts, packet number, from the responder, ACK set) and per RST (ts, n, from the responder). */
export const SYN_STRIDE = 4;
export const RST_STRIDE = 3;
/** Where each per-side value starts in TcpSession.sides (orig at the offset, resp after it). */
export const SIDE = { FIRST_DATA_N: 0, FIRST_DATA_TS: 2, CLOSE_HOW: 4, CLOSE_N: 6, CLOSE_TS: 8 } as const;

/** How a side closed (sides[SIDE.CLOSE_HOW + side]): not yet, FIN, RST. */
export const CLOSE = { NONE: 0, FIN: 1, RST: 2 } as const;

/**
 * Reused: when a connection ends and its record is made, the analyzer resets the session for a
 * later connection (reset). What it keeps per connection is in numbers and arrays it keeps across
 * resets, so the garbage collector, which would otherwise copy every open connection's objects
 * from one young generation to the next, has nothing of it to trace.
 */
export class TcpSession {
  orig = new TcpEndpoint(true);
  resp = new TcpEndpoint(false);
  readonly hist = new History();
  /** Addresses as the connection currently sees them (swapped on flip). */
  origH = "";
  origP = 0;
  respH = "";
  respP = 0;
  start = 0;
  last = 0;
  packets = 0;
  /**
   * Every packet with SYN set (both sides), for the SYN/SYN-ACK schedules: syns[0, synCount *
   * SYN_STRIDE), with room for a SYN and its SYN-ACK from the start (see TcpEndpoint.ttlBuf).
   */
  readonly syns: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  synCount = 0;
  /** Every RST: rsts[0, rstCount * RST_STRIDE). */
  readonly rsts: number[] = [];
  rstCount = 0;
  /**
   * Per side (SIDE's offsets, + 0 orig, + 1 resp): the first payload's packet number (-1 when none)
   * and time, and the first close's how (CLOSE), packet number and time. One array, not five of
   * two: each array costs its own header and elements object, times every connection open at once.
   */
  readonly sides: number[] = [-1, -1, 0, 0, CLOSE.NONE, CLOSE.NONE, 0, 0, 0, 0];
  /** Per-packet evidence: first and last segments, compact (see SegmentLog). */
  readonly log: SegmentLog;
  private readonly maxSegments: number;

  constructor(srcH: string, srcP: number, dstH: string, dstP: number, ts: number, maxSegments: number) {
    this.maxSegments = maxSegments;
    this.log = SegmentLog.forCap(maxSegments);
    this.reset(srcH, srcP, dstH, dstP, ts);
  }

  /** As new, for a connection from (srcH, srcP) to (dstH, dstP) whose first packet is at `ts`. */
  reset(srcH: string, srcP: number, dstH: string, dstP: number, ts: number): void {
    this.orig.reset(true);
    this.resp.reset(false);
    this.hist.text = "";
    this.origH = srcH;
    this.origP = srcP;
    this.respH = dstH;
    this.respP = dstP;
    this.start = ts;
    this.last = ts;
    this.packets = 0;
    this.synCount = this.rstCount = 0;
    this.sides[SIDE.FIRST_DATA_N] = this.sides[SIDE.FIRST_DATA_N + 1] = -1;
    this.sides[SIDE.CLOSE_HOW] = this.sides[SIDE.CLOSE_HOW + 1] = CLOSE.NONE;
    this.log.reset();
    this.flips = 0;
    this.attemptStart = null;
    this.closeDeadline = null;
  }

  /** Whether a packet from (h, p) is from the current originator. */
  isFromOrig(h: string, p: number): boolean {
    return h === this.origH && p === this.origP;
  }

  /** How many times roles were flipped (TLS state follows along). */
  flips = 0;

  /** Zeek's Connection::FlipRoles: swap endpoints and addresses, append `^`. */
  flip(): void {
    this.flips++;
    [this.orig, this.resp] = [this.resp, this.orig];
    this.orig.isOrig = true;
    this.resp.isOrig = false;
    [this.origH, this.respH] = [this.respH, this.origH];
    [this.origP, this.respP] = [this.respP, this.origP];
    this.hist.push(94); // "^"
    this.log.flipDirs();
    for (let i = 0; i < this.rstCount; i++) this.rsts[i * RST_STRIDE + 2] ^= 1;
    for (let i = 0; i < this.synCount; i++) this.syns[i * SYN_STRIDE + 2] ^= 1;
    const d = this.sides;
    for (let o = 0; o < d.length; o += 2) {
      const t = d[o];
      d[o] = d[o + 1];
      d[o + 1] = t;
    }
  }

  /** Time of the SYN that started an attempt (for Zeek's AttemptTimer), or null. */
  attemptStart: number | null = null;
  /** After a complete close Zeek deletes the connection tcp_close_delay (5 s) later (ConnectionClosed). */
  closeDeadline: number | null = null;

  /** Whether Zeek would have removed this connection before a packet at `ts` (attempt or close timers). */
  expired(ts: number, attemptTimeout: number | null): boolean {
    if (this.closeDeadline !== null && ts >= this.closeDeadline) return true;
    if (attemptTimeout !== null && this.attemptStart !== null && ts >= this.attemptStart + attemptTimeout) {
      const o = this.orig.state;
      return (o === EP.SYN_SENT || o === EP.SYN_ACK_SENT) && this.resp.state === EP.INACTIVE;
    }
    return false;
  }

  /** TCPSessionAdapter::IsReuse: a SYN that starts a new connection on the same 5-tuple. */
  isReuse(flags: number, _isOrig: boolean, seq: number): boolean {
    if (!(flags & TcpFlags.SYN)) return false;
    let connOrig = this.orig;
    if (flags & TcpFlags.ACK) {
      // Only half connections reuse on a SYN-ACK.
      if (this.orig.state !== EP.INACTIVE) return false;
      connOrig = this.resp;
    }
    if (this.orig.didClose || this.resp.didClose) return true;
    const base = seq >>> 0;
    if (base === connOrig.startSeq) return false;
    // A SYN that matches a SYN-ACK seen first (reordering) is not a new connection.
    if (
      !(flags & TcpFlags.ACK) &&
      connOrig.state === EP.SYN_ACK_SENT &&
      this.resp.state === EP.INACTIVE &&
      base === this.resp.startSeq
    )
      return false;
    return true;
  }

  process(isOrig: boolean, p: TcpPacketIn, ignoreChecksums: boolean): void {
    // Zeek's PR #2191: a connection that starts with a SYN-ACK is flipped once an ACK or data follows.
    const bits = p.flags & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST);
    if (this.hist.isOnly(72 /* H */) && bits === 0 && ((p.flags & TcpFlags.ACK) !== 0 || p.len > 0)) {
      this.flip();
      this.hist.text = "^h";
      isOrig = !isOrig;
    }
    let endpoint = isOrig ? this.orig : this.resp;
    if (p.badChecksum && !ignoreChecksums) {
      // TCP.cc: a bad checksum is a weird plus history C/c; the packet is otherwise ignored.
      endpoint.badCkThresh = this.hist.scaled(endpoint, "C", ++endpoint.badCk, endpoint.badCkThresh);
      return;
    }
    this.packets++;
    this.last = p.ref.ts;
    endpoint.pkts++;
    endpoint.ipBytes += p.ipLen;
    endpoint.payloadBytes += p.len;
    endpoint.noteTtl(p.ttl);
    const dir: Direction = isOrig ? "orig" : "resp";
    this.evidence(dir, p);

    const f = p.flags;
    const SYN = (f & TcpFlags.SYN) !== 0;
    const FIN = (f & TcpFlags.FIN) !== 0;
    const RST = (f & TcpFlags.RST) !== 0;
    const ACK = (f & TcpFlags.ACK) !== 0;
    let segLen = p.len + (SYN ? 1 : 0) + (FIN ? 1 : 0);
    if (RST) segLen -= p.len;
    const seq = p.seq >>> 0;
    const lastSeq = (seq + segLen) >>> 0;

    // init_endpoint
    switch (endpoint.state) {
      case EP.INACTIVE:
        if (SYN) {
          endpoint.initStart(seq);
          endpoint.lastSeq = lastSeq;
        } else {
          // A partial connection: number as if a SYN preceded, and don't call the first packet a duplicate.
          endpoint.initStart((seq - 1) >>> 0);
          endpoint.lastSeq = seq;
        }
        break;
      case EP.SYN_SENT:
      case EP.SYN_ACK_SENT:
      case EP.ESTABLISHED:
      case EP.PARTIAL:
        if (SYN && seq !== endpoint.startSeq) {
          endpoint.initStart(seq);
          endpoint.lastSeq = lastSeq;
        }
        break;
      case EP.RESET:
        if (SYN && endpoint.prevState === EP.INACTIVE) {
          endpoint.initStart(seq);
          endpoint.lastSeq = lastSeq;
        }
        break;
    }
    const relSeq = endpoint.relSeq(seq);
    this.updateHistory(endpoint, f, relSeq, p.len);

    // update_window: zero windows are interesting unless with/after a RST or after the peer's FIN.
    const peer = isOrig ? this.resp : this.orig;
    if (p.window === 0 && !RST && peer.state !== EP.CLOSED && endpoint.state !== EP.RESET)
      endpoint.zeroWinThresh = this.hist.scaled(endpoint, "W", ++endpoint.zeroWin, endpoint.zeroWinThresh);

    if (FIN) {
      endpoint.finCnt++;
      endpoint.finSeq = relSeq + segLen;
    }
    let relAck = 0;
    if (ACK) {
      if (peer.state === EP.INACTIVE) {
        relAck = 1;
        peer.initStart((p.ack - 1) >>> 0);
        peer.lastSeq = (p.ack - 1) >>> 0;
      } else {
        relAck = peer.relSeq(p.ack);
        if (relAck < 0) relAck = 0;
        else if (!RST && seqDelta(p.ack >>> 0, peer.ackSeq) > 0) peer.ackSeq = p.ack >>> 0;
      }
    }
    // update_last_seq
    const deltaLast = seqDelta(lastSeq, endpoint.lastSeq);
    if ((SYN || RST) && (deltaLast > TOO_LARGE_SEQ_DELTA || deltaLast < -TOO_LARGE_SEQ_DELTA)) {
      // untrusted
    } else if (FIN && endpoint.lastSeq === (endpoint.startSeq + 1) >>> 0) endpoint.lastSeq = lastSeq;
    else if (endpoint.state === EP.RESET) {
      // don't trust sequence numbers after a reset
    } else if (deltaLast > 0) endpoint.lastSeq = lastSeq;
    else if (p.len > 0)
      endpoint.rxmtThresh = this.hist.scaled(endpoint, "T", ++endpoint.rxmt, endpoint.rxmtThresh);

    const doClose = this.stateMachine(endpoint, isOrig, f, seq, p.ack >>> 0, p.len);
    // Re-resolve after a possible flip inside the state machine.
    endpoint = this.orig === endpoint ? this.orig : this.resp;
    const peerNow = endpoint === this.orig ? this.resp : this.orig;
    if (ACK && !FIN && !RST) this.ackReceived(peerNow, relAck);
    // Only captured bytes are seen data (TCP_Endpoint::DataSent delivers caplen of a snapped
    // segment), so an ACK for the rest is a gap, as Zeek's reassembler reports it.
    if (p.cap > 0 && !RST) {
      const relData = SYN ? relSeq + 1 : relSeq;
      const end = relData + Math.min(p.len, p.cap);
      if (relData <= endpoint.dataEnd && end > endpoint.dataEnd) endpoint.dataEnd = end;
    }
    if (doClose && !endpoint.didClose) {
      endpoint.didClose = true;
      if (
        this.closeDeadline === null &&
        (endpoint.state === EP.RESET || peerNow.didClose || peerNow.state === EP.INACTIVE)
      )
        this.closeDeadline = p.ref.ts + 5;
    }
  }

  /** A content gap: the peer's data was acknowledged but never seen (TCP_Reassembler::AckReceived). */
  private ackReceived(peer: TcpEndpoint, relAck: number): void {
    if (peer.state === EP.INACTIVE || peer.state === EP.RESET) return;
    let ack = relAck;
    if (peer.finCnt > 0 && ack >= peer.finSeq) ack = peer.finSeq - 1;
    if (ack > peer.dataEnd && ack - peer.dataEnd < TOO_LARGE_SEQ_DELTA) {
      peer.gapThresh = this.hist.scaled(peer, "G", ++peer.gaps, peer.gapThresh);
      peer.dataEnd = ack;
    }
  }

  private updateHistory(ep: TcpEndpoint, f: number, relSeq: number, len: number): void {
    const SYN = (f & TcpFlags.SYN) !== 0;
    const FIN = (f & TcpFlags.FIN) !== 0;
    const RST = (f & TcpFlags.RST) !== 0;
    const n = (SYN ? 1 : 0) + (FIN ? 1 : 0) + (RST ? 1 : 0);
    const h = this.hist;
    if (n > 1) {
      if (FIN && RST) h.check(ep, HIST.FIN_RST, "I");
      else h.check(ep, HIST.MULTI, "Q");
    } else if (n === 1) {
      if (SYN) {
        const code = f & TcpFlags.ACK ? "H" : "S";
        if (h.check(ep, HIST.SYN, code) && relSeq !== ep.histLastSyn) h.add(ep, code);
        ep.histLastSyn = relSeq;
      }
      if (FIN) {
        if (h.check(ep, HIST.FIN, "F") && relSeq + len !== ep.histLastFin) h.add(ep, "F");
        ep.histLastFin = relSeq + len;
      }
      if (RST) {
        if (h.check(ep, HIST.RST, "R") && relSeq !== ep.histLastRst) h.add(ep, "R");
        ep.histLastRst = relSeq;
      }
    } else if (len) h.check(ep, HIST.DATA, "D");
    else if (f & TcpFlags.ACK) h.check(ep, HIST.ACK, "A");
  }

  /** UpdateStateMachine and its per-state helpers; returns do_close. */
  private stateMachine(
    ep: TcpEndpoint,
    isOrig: boolean,
    f: number,
    seq: number,
    ack: number,
    len: number,
  ): boolean {
    const SYN = (f & TcpFlags.SYN) !== 0;
    const FIN = (f & TcpFlags.FIN) !== 0;
    const RST = (f & TcpFlags.RST) !== 0;
    const ACK = (f & TcpFlags.ACK) !== 0;
    const peer = ep === this.orig ? this.resp : this.orig;
    let doClose = false;
    switch (ep.state) {
      case EP.INACTIVE: {
        if (SYN) {
          if (isOrig) {
            ep.setState(ACK ? EP.SYN_ACK_SENT : EP.SYN_SENT);
            this.attemptStart ??= this.last;
          } else {
            if (!ACK && peer.state === EP.SYN_ACK_SENT && seq === ep.startSeq) {
              // SYN/SYN-ACK reversal: the SYN-ACK came first; flip and establish.
              this.flip();
              peer.setState(EP.ESTABLISHED);
            }
            if (peer.state === EP.SYN_SENT) peer.setState(EP.ESTABLISHED);
            ep.setState(EP.ESTABLISHED);
          }
        }
        if (FIN) {
          ep.setState(EP.CLOSED);
          doClose = true;
        }
        if (RST) {
          ep.setState(EP.RESET);
          doClose = true;
        }
        if (ep.state === EP.INACTIVE) {
          if (!ep.isOrig && len === 0 && this.orig.state === EP.SYN_SENT) {
            // an ACK of the SYN before the SYN-ACK: not a partial connection
          } else if (ACK && peer.state === EP.ESTABLISHED) ep.setState(EP.ESTABLISHED);
          else ep.setState(EP.PARTIAL);
        }
        break;
      }
      case EP.SYN_SENT:
      case EP.SYN_ACK_SENT:
        if (FIN) {
          ep.setState(EP.CLOSED);
          doClose = true;
        }
        if (RST) {
          ep.setState(EP.RESET);
          doClose = true;
        }
        break;
      case EP.ESTABLISHED:
      case EP.PARTIAL:
        if (SYN && ep.state === EP.PARTIAL && peer.state === EP.INACTIVE && !ACK) ep.setState(EP.SYN_SENT);
        if (FIN && !RST) {
          ep.setState(EP.CLOSED);
          if (peer.state === EP.RESET && peer.prevState === EP.CLOSED) peer.setState(EP.CLOSED);
          doClose = true;
        }
        if (RST) {
          ep.setState(EP.RESET);
          doClose = true;
        }
        break;
      case EP.CLOSED:
        if (RST && peer.state !== EP.CLOSED) {
          ep.setState(EP.RESET);
          if (!ep.didClose) doClose = true;
        }
        break;
      case EP.RESET:
        break;
    }
    void ack;
    return doClose;
  }

  private evidence(dir: Direction, p: TcpPacketIn): void {
    const f = p.flags;
    const r = p.ref;
    const side = dir === "resp" ? 1 : 0;
    // Numbers only: this runs for every packet, and the caller reuses `p.ref` for the next one.
    // Written in order from the count's place: at the array's end that appends, so a reused
    // session's arrays grow only past the most its earlier connections kept.
    if (f & TcpFlags.SYN && this.synCount < this.maxSegments) {
      const o = this.synCount++ * SYN_STRIDE;
      this.syns[o] = r.ts;
      this.syns[o + 1] = r.n;
      this.syns[o + 2] = side;
      this.syns[o + 3] = f & TcpFlags.ACK ? 1 : 0;
    }
    if (p.len > 0 && !(f & TcpFlags.RST) && this.sides[SIDE.FIRST_DATA_N + side] < 0) {
      this.sides[SIDE.FIRST_DATA_N + side] = r.n;
      this.sides[SIDE.FIRST_DATA_TS + side] = r.ts;
    }
    if (f & TcpFlags.RST) {
      const o = this.rstCount++ * RST_STRIDE;
      this.rsts[o] = r.ts;
      this.rsts[o + 1] = r.n;
      this.rsts[o + 2] = side;
      this.closeOnce(side, CLOSE.RST, r);
    } else if (f & TcpFlags.FIN) this.closeOnce(side, CLOSE.FIN, r);
    this.log.add(
      r.ts,
      r.n,
      p.seq >>> 0,
      p.ack >>> 0,
      p.len,
      p.window,
      f,
      p.ttl,
      dir === "resp",
      p.badChecksum,
    );
  }

  private closeOnce(side: number, how: number, r: PacketRef): void {
    if (this.sides[SIDE.CLOSE_HOW + side] !== CLOSE.NONE) return;
    this.sides[SIDE.CLOSE_HOW + side] = how;
    this.sides[SIDE.CLOSE_N + side] = r.n;
    this.sides[SIDE.CLOSE_TS + side] = r.ts;
  }

  /** conn_state as scripts/base/protocols/conn/main.zeek computes it. */
  connState(): ConnState {
    const os = this.orig.state;
    const rs = this.resp.state;
    const oInactive = os === EP.INACTIVE || os === EP.PARTIAL;
    const rInactive = rs === EP.INACTIVE || rs === EP.PARTIAL;
    if (rs === EP.RESET) {
      if (
        os === EP.SYN_SENT ||
        os === EP.SYN_ACK_SENT ||
        (os === EP.RESET && this.orig.payloadBytes === 0 && this.resp.payloadBytes === 0)
      )
        return "REJ";
      return oInactive ? "RSTRH" : "RSTR";
    }
    if (os === EP.RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(this.hist.text) ? "RSTOS0" : "OTH";
      return "RSTO";
    }
    if (rs === EP.CLOSED && os === EP.CLOSED) return "SF";
    if (os === EP.CLOSED) return rInactive ? "SH" : "S2";
    if (rs === EP.CLOSED) return oInactive ? "SHR" : "S3";
    if (os === EP.SYN_SENT && rs === EP.INACTIVE) return "S0";
    if (os === EP.ESTABLISHED && rs === EP.ESTABLISHED) return "S1";
    return "OTH";
  }
}

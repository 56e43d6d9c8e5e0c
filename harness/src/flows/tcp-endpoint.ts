/**
 * One side of a TCP connection, modelled on Zeek's TCP_Endpoint (src/analyzer/protocol/tcp/TCP_Endpoint.cc):
 * endpoint state, sequence bookkeeping, and the history bits that make each letter appear once
 * (or, for c/t/w/g, logarithmically: at 1, 10, 100... occurrences — Connection::ScaledHistoryEntry).
 */

/** Zeek's TCP_* endpoint states (scripts/base/init-bare.zeek). */
export const EP = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;

export const HIST = { SYN: 1, FIN: 2, RST: 4, ACK: 8, DATA: 16, MULTI: 32, FIN_RST: 64 } as const;

/** Signed 32-bit difference a - b in sequence space (RFC 9293 section 3.4). */
export function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpEndpoint {
  state: number = EP.INACTIVE;
  prevState: number = EP.INACTIVE;
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  histFlags = 0;
  histLastSyn = -1;
  histLastFin = -1;
  histLastRst = -1;
  didClose = false;
  finCnt = 0;
  /** Relative sequence of the FIN (Zeek's FIN_seq), 0 when none. */
  finSeq = 0;
  /** Contiguous end of payload seen, relative (for content-gap detection). */
  dataEnd = 1;
  rxmt = 0;
  rxmtThresh = 1;
  zeroWin = 0;
  zeroWinThresh = 1;
  gaps = 0;
  gapThresh = 1;
  badCk = 0;
  badCkThresh = 1;
  pkts = 0;
  ipBytes = 0;
  payloadBytes = 0;
  ttls: number[] = [];

  constructor(public isOrig: boolean) {}

  setState(s: number): void {
    if (s !== this.state) {
      this.prevState = this.state;
      this.state = s;
    }
  }

  initStart(seq: number): void {
    this.startSeq = seq >>> 0;
    this.ackSeq = seq >>> 0;
  }

  relSeq(seq: number): number {
    return seqDelta(seq >>> 0, this.startSeq);
  }

  noteTtl(ttl: number): void {
    // Bounded: a handful of distinct TTLs per side at most in practice; cap anyway.
    if (this.ttls.length < 16 && !this.ttls.includes(ttl)) this.ttls.push(ttl);
  }
}

/** History letters, appended in order with Zeek's case rule (upper = originator). */
export class History {
  text = "";
  add(ep: TcpEndpoint | boolean, code: string): void {
    const orig = typeof ep === "boolean" ? ep : ep.isOrig;
    this.text += orig ? code.toUpperCase() : code.toLowerCase();
  }
  /** Zeek's CheckHistory: add the letter the first time this bit is seen on this endpoint. Returns true if it was already set. */
  check(ep: TcpEndpoint, bit: number, code: string): boolean {
    if (ep.histFlags & bit) return true;
    ep.histFlags |= bit;
    this.add(ep, code);
    return false;
  }
  /** Zeek's ScaledHistoryEntry: letter at the 1st, 10th, 100th... occurrence. Returns the new threshold. */
  scaled(ep: TcpEndpoint | boolean, code: string, count: number, threshold: number): number {
    if (count === threshold) {
      this.add(ep, code);
      return threshold * 10;
    }
    return threshold;
  }
}

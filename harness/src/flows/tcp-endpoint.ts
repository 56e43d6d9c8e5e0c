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

/** Distinct TTLs kept per side: a handful at most in practice. */
const MAX_TTLS = 16;

/**
 * Reused for the connections that later take its session's place (reset): nothing in it is
 * allocated per connection, so a pooled session costs the garbage collector nothing.
 */
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
  /**
   * The distinct TTLs seen, in the order first seen: ttlBuf[0, ttlCount). Room for two from the
   * start: an empty array's first element gets room for seventeen (about 130 bytes more, times two
   * endpoints, times every connection open at once).
   */
  private readonly ttlBuf: number[] = [0, 0];
  private ttlCount = 0;

  constructor(public isOrig: boolean) {}

  /** As new, for the next connection. */
  reset(isOrig: boolean): void {
    this.isOrig = isOrig;
    this.state = this.prevState = EP.INACTIVE;
    this.startSeq = this.lastSeq = this.ackSeq = 0;
    this.histFlags = 0;
    this.histLastSyn = this.histLastFin = this.histLastRst = -1;
    this.didClose = false;
    this.finCnt = this.finSeq = 0;
    this.dataEnd = 1;
    this.rxmt = this.zeroWin = this.gaps = this.badCk = 0;
    this.rxmtThresh = this.zeroWinThresh = this.gapThresh = this.badCkThresh = 1;
    this.pkts = this.ipBytes = this.payloadBytes = 0;
    this.ttlCount = 0;
  }

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
    if (this.ttlCount >= MAX_TTLS) return;
    for (let i = 0; i < this.ttlCount; i++) if (this.ttlBuf[i] === ttl) return;
    this.ttlBuf[this.ttlCount++] = ttl;
  }

  /** Writes the distinct TTLs into `out` from `at`; returns the end. */
  writeTtls(out: number[], at: number): number {
    for (let i = 0; i < this.ttlCount; i++) out[at++] = this.ttlBuf[i];
    return at;
  }
}

/**
 * History letters, appended in order with Zeek's case rule (upper = originator). Kept as
 * character codes in a reused array: a string grown letter by letter is a new string per letter.
 */
export class History {
  /** Room for a usual history from the start (see ttlBuf); it grows past that as arrays do. */
  private readonly codes: number[] = new Array<number>(12).fill(0);
  private count = 0;

  get text(): string {
    let t = "";
    for (let i = 0; i < this.count; i++) t += String.fromCharCode(this.codes[i]);
    return t;
  }
  set text(v: string) {
    this.count = 0;
    for (let i = 0; i < v.length; i++) this.push(v.charCodeAt(i));
  }
  /** Whether the history is exactly this one letter (its character code). */
  isOnly(code: number): boolean {
    return this.count === 1 && this.codes[0] === code;
  }
  push(code: number): void {
    this.codes[this.count++] = code;
  }
  add(ep: TcpEndpoint | boolean, code: string): void {
    const orig = typeof ep === "boolean" ? ep : ep.isOrig;
    // Every code is an ASCII letter: bit 0x20 is its case.
    const c = code.charCodeAt(0);
    this.push(orig ? c & ~0x20 : c | 0x20);
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

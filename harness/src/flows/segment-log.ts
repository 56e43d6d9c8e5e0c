/**
 * Compact per-packet evidence for one TCP connection: the first `headMax` segments and the last
 * `tailMax` (a ring), each as five doubles in one plain number array, plus a count of what fell in
 * between. One object per segment for ~150k connections was most of the analysis' heap and half of
 * its time in garbage collection; a packed double array is one allocation per connection and is
 * never traced element by element. `TcpSegmentRef` objects are made only when someone asks.
 */
import type { Direction, TcpSegmentRef } from "./types.js";
import { P32, packWord, SegmentView, STRIDE } from "./segment-view.js";

export class SegmentLog {
  // head[0, headLen) and tail[0, tailLen) hold the kept segments (STRIDE numbers each); the
  // arrays keep their size across `reset`, so a reused log allocates nothing until it outgrows them.
  private readonly head: number[] = [];
  private headLen = 0;
  private readonly tail: number[] = [];
  private tailLen = 0;
  /** Ring position (in segments) of the oldest tail entry once the ring is full. */
  private tailStart = 0;
  /** Segments seen but not kept (between head and tail). */
  dropped = 0;

  constructor(
    private readonly headMax: number,
    private readonly tailMax: number,
  ) {}

  /** Split a total cap into head and tail: the start shows the handshake, the end how it ended. */
  static forCap(max: number): SegmentLog {
    const m = Math.max(0, Math.floor(max));
    const head = Math.ceil(m / 2);
    return new SegmentLog(head, m - head);
  }

  /** Empty, for the next connection. */
  reset(): void {
    this.headLen = this.tailLen = this.tailStart = this.dropped = 0;
  }

  get length(): number {
    return (this.headLen + this.tailLen) / STRIDE;
  }

  add(
    ts: number,
    n: number,
    seq: number,
    ack: number,
    len: number,
    window: number,
    flags: number,
    ttl: number,
    resp: boolean,
    bad: boolean,
  ): void {
    const packed = packWord(len, window, flags, ttl, resp, bad);
    if (this.headLen < this.headMax * STRIDE) {
      this.headLen = put(this.head, this.headLen, ts, n, seq, ack, packed);
      return;
    }
    if (this.tailMax === 0) {
      this.dropped++;
      return;
    }
    if (this.tailLen < this.tailMax * STRIDE) {
      this.tailLen = put(this.tail, this.tailLen, ts, n, seq, ack, packed);
      return;
    }
    put(this.tail, this.tailStart * STRIDE, ts, n, seq, ack, packed);
    this.tailStart = (this.tailStart + 1) % this.tailMax;
    this.dropped++;
  }

  /** A role flip swaps every kept segment's direction. */
  flipDirs(): void {
    for (const [a, len] of [
      [this.head, this.headLen],
      [this.tail, this.tailLen],
    ] as const)
      for (let o = 4; o < len; o += STRIDE) {
        const p = a[o];
        const resp = Math.floor(p / P32) % 2;
        a[o] = resp ? p - P32 : p + P32;
      }
  }

  /**
   * The kept segments in capture order as one exact-size array, for a finished record (the log
   * and its spare capacity stay with the session). Read it with `findSegment` and `segmentRefs`.
   */
  seal(): number[] {
    const out: number[] = [];
    this.writeTo(out, 0);
    return out;
  }

  /** Writes the kept segments in capture order into `out` from `at`; returns the end. */
  writeTo(out: number[], at: number): number {
    const o = this.tailStart * STRIDE;
    for (let i = 0; i < this.headLen; i++) out[at++] = this.head[i];
    for (let i = o; i < this.tailLen; i++) out[at++] = this.tail[i];
    for (let i = 0; i < o; i++) out[at++] = this.tail[i];
    return at;
  }
}

/**
 * Writes one segment at `at`; returns the end after it. Writing at the array's end appends, so a
 * reused log's arrays grow only past the longest connection they held.
 */
function put(
  a: number[],
  at: number,
  ts: number,
  n: number,
  seq: number,
  ack: number,
  packed: number,
): number {
  a[at] = ts;
  a[at + 1] = n;
  a[at + 2] = seq;
  a[at + 3] = ack;
  a[at + 4] = packed;
  return at + STRIDE;
}

/** The first sealed segment matching `pred`: its time and packet number, or null. */
export function findSegment(
  a: readonly number[],
  pred: (dir: Direction, flags: number, n: number) => boolean,
  end = a.length,
): { ts: number; n: number } | null {
  const v = new SegmentView(a, 0, end);
  for (let i = 0; i < v.length; i++)
    if (pred(v.dir(i), v.flags(i), v.n(i))) return { ts: v.ts(i), n: v.n(i) };
  return null;
}

/** The public evidence objects of sealed segments in a[0, end) (made fresh on each call; nothing else holds them). */
export function segmentRefs(a: readonly number[], capture: number, end = a.length): TcpSegmentRef[] {
  const v = new SegmentView(a, capture, end);
  const out: TcpSegmentRef[] = [];
  for (let i = 0; i < v.length; i++)
    out.push({
      capture,
      n: v.n(i),
      ts: v.ts(i),
      dir: v.dir(i),
      flags: v.flags(i),
      seq: v.seq(i),
      ack: v.ack(i),
      len: v.len(i),
      window: v.window(i),
      ttl: v.ttl(i),
      badChecksum: v.badChecksum(i),
    });
  return out;
}

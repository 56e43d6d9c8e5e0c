/**
 * Compact per-packet evidence for one TCP connection: the first `headMax` segments and the last
 * `tailMax` (a ring), each as five doubles in one plain number array, plus a count of what fell in
 * between. One object per segment for ~150k connections was most of the analysis' heap and half of
 * its time in garbage collection; a packed double array is one allocation per connection and is
 * never traced element by element. `TcpSegmentRef` objects are made only when someone asks.
 */
import type { Direction, TcpSegmentRef } from "./types.js";
import { P16, P24, P32, P33, P34, packWord, STRIDE } from "./segment-view.js";

export class SegmentLog {
  private head: number[] = [];
  private tail: number[] = [];
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

  get length(): number {
    return (this.head.length + this.tail.length) / STRIDE;
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
    if (this.head.length < this.headMax * STRIDE) {
      this.head.push(ts, n, seq, ack, packed);
      return;
    }
    if (this.tailMax === 0) {
      this.dropped++;
      return;
    }
    const t = this.tail;
    if (t.length < this.tailMax * STRIDE) {
      t.push(ts, n, seq, ack, packed);
      return;
    }
    const o = this.tailStart * STRIDE;
    t[o] = ts;
    t[o + 1] = n;
    t[o + 2] = seq;
    t[o + 3] = ack;
    t[o + 4] = packed;
    this.tailStart = (this.tailStart + 1) % this.tailMax;
    this.dropped++;
  }

  /** A role flip swaps every kept segment's direction. */
  flipDirs(): void {
    for (const a of [this.head, this.tail])
      for (let o = 4; o < a.length; o += STRIDE) {
        const p = a[o];
        const resp = Math.floor(p / P32) % 2;
        a[o] = resp ? p - P32 : p + P32;
      }
  }

  /**
   * The kept segments in capture order as one exact-size array, for a finished record (the log
   * object and its spare capacity can then go). Read it with `findSegment` and `segmentRefs`.
   */
  seal(): number[] {
    const o = this.tailStart * STRIDE;
    if (this.tail.length === 0) return this.head.slice();
    return this.head.concat(this.tail.slice(o), this.tail.slice(0, o));
  }
}

/** The first sealed segment matching `pred`: its time and packet number, or null. */
export function findSegment(
  a: readonly number[],
  pred: (dir: Direction, flags: number, n: number) => boolean,
): { ts: number; n: number } | null {
  for (let o = 0; o < a.length; o += STRIDE) {
    const p = a[o + 4];
    if (pred(Math.floor(p / P32) % 2 ? "resp" : "orig", Math.floor(p / P16) & 0xff, a[o + 1]))
      return { ts: a[o], n: a[o + 1] };
  }
  return null;
}

/** The public evidence objects of sealed segments in a[0, end) (made fresh on each call; nothing else holds them). */
export function segmentRefs(a: readonly number[], capture: number, end = a.length): TcpSegmentRef[] {
  const out: TcpSegmentRef[] = [];
  for (let o = 0; o < end; o += STRIDE) {
    const p = a[o + 4];
    out.push({
      capture,
      n: a[o + 1],
      ts: a[o],
      dir: Math.floor(p / P32) % 2 ? "resp" : "orig",
      flags: Math.floor(p / P16) & 0xff,
      seq: a[o + 2],
      ack: a[o + 3],
      len: Math.floor(p / P34),
      window: p % P16,
      ttl: Math.floor(p / P24) & 0xff,
      badChecksum: Math.floor(p / P33) % 2 === 1,
    });
  }
  return out;
}

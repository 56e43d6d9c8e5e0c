/**
 * A connection's kept segments read by index, without an object per segment. The packed layout
 * is SegmentLog's (segment-log.ts): five doubles a segment (ts, packet number, seq, ack, and one
 * word with the rest). Readers that walk every segment of every connection (the engine's outcome
 * of each connection) use this; `TcpConnection.segments` makes the objects for everyone else.
 */
import type { Direction, TcpSegmentRef } from "./types.js";

/** Doubles per segment: ts, packet number, seq, ack, packed word. */
export const STRIDE = 5;
// Packed word: window (16 bits) | flags << 16 | ttl << 24 | resp << 32 | bad << 33 | len << 34.
export const P16 = 0x1_0000;
export const P24 = 0x100_0000;
export const P32 = 0x1_0000_0000;
export const P33 = 0x2_0000_0000;
export const P34 = 0x4_0000_0000;
/** 19 bits of payload length: more than any IPv4/IPv6 packet without a jumbogram (RFC 2675) carries. */
export const LEN_MAX = 0x7_ffff;

export function packWord(
  len: number,
  window: number,
  flags: number,
  ttl: number,
  resp: boolean,
  bad: boolean,
) {
  return (
    (window & 0xffff) +
    (flags & 0xff) * P16 +
    (ttl & 0xff) * P24 +
    (resp ? P32 : 0) +
    (bad ? P33 : 0) +
    Math.min(len, LEN_MAX) * P34
  );
}

/** The method by which a record hands out the view of its packed segments. */
export const SEGMENT_VIEW = Symbol("segment view");

export class SegmentView {
  readonly length: number;

  /** `a[0, end)` holds the segments, packed; `capture` is theirs. */
  constructor(
    private readonly a: readonly number[],
    readonly capture: number,
    end = a.length,
  ) {
    this.length = Math.floor(end / STRIDE);
  }

  ts(i: number): number {
    return this.a[i * STRIDE];
  }
  n(i: number): number {
    return this.a[i * STRIDE + 1];
  }
  seq(i: number): number {
    return this.a[i * STRIDE + 2];
  }
  ack(i: number): number {
    return this.a[i * STRIDE + 3];
  }
  resp(i: number): boolean {
    return Math.floor(this.a[i * STRIDE + 4] / P32) % 2 === 1;
  }
  dir(i: number): Direction {
    return this.resp(i) ? "resp" : "orig";
  }
  flags(i: number): number {
    return Math.floor(this.a[i * STRIDE + 4] / P16) & 0xff;
  }
  len(i: number): number {
    return Math.floor(this.a[i * STRIDE + 4] / P34);
  }
  window(i: number): number {
    return this.a[i * STRIDE + 4] % P16;
  }
  ttl(i: number): number {
    return Math.floor(this.a[i * STRIDE + 4] / P24) & 0xff;
  }
  badChecksum(i: number): boolean {
    return Math.floor(this.a[i * STRIDE + 4] / P33) % 2 === 1;
  }
  /** The segment's packet, as evidence refers to it. */
  ref(i: number): { capture: number; n: number; ts: number } {
    return { capture: this.capture, n: this.n(i), ts: this.ts(i) };
  }
}

/** Segment objects packed the same way (for records that hold objects, such as parsed JSON or tests). */
export function packSegments(segs: readonly TcpSegmentRef[]): SegmentView {
  const a: number[] = [];
  for (const s of segs)
    a.push(
      s.ts,
      s.n,
      s.seq,
      s.ack,
      packWord(s.len, s.window, s.flags, s.ttl, s.dir === "resp", s.badChecksum),
    );
  return new SegmentView(a, segs[0]?.capture ?? 0);
}

/** The segments of any record: its packed ones when it keeps them packed, else its objects (if any) packed. */
export function segmentView(c: { segments?: readonly TcpSegmentRef[] }): SegmentView {
  const own = (c as { [SEGMENT_VIEW]?: () => SegmentView })[SEGMENT_VIEW];
  return typeof own === "function" ? own.call(c) : packSegments(c.segments ?? []);
}

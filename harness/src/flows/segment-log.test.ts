import { describe, expect, it } from "vitest";
import { findSegment, segmentRefs, SegmentLog } from "./segment-log.js";

function fill(log: SegmentLog, count: number): void {
  for (let i = 1; i <= count; i++)
    log.add(
      1000 + i / 10,
      i,
      4_000_000_000 + i,
      7,
      i % 3 === 0 ? 70_000 : i,
      65535,
      0x18,
      64,
      i % 2 === 0,
      i === 2,
    );
}

describe("SegmentLog", () => {
  it("keeps every field of a segment exactly (32-bit seq, 16-bit window, lengths above 65535)", () => {
    const log = SegmentLog.forCap(10);
    fill(log, 3);
    const r = segmentRefs(log.seal(), 4);
    expect(r[1]).toEqual({
      capture: 4,
      n: 2,
      ts: 1000.2,
      dir: "resp",
      flags: 0x18,
      seq: 4_000_000_002,
      ack: 7,
      len: 2,
      window: 65535,
      ttl: 64,
      badChecksum: true,
    });
    expect(r[2]).toMatchObject({ dir: "orig", len: 70_000, badChecksum: false });
  });

  it("over the cap keeps the first half and the last half, in order, and counts the rest", () => {
    const log = SegmentLog.forCap(5);
    fill(log, 12);
    expect(log.dropped).toBe(7);
    expect(segmentRefs(log.seal(), 0).map((s) => s.n)).toEqual([1, 2, 3, 11, 12]);
  });

  it("a role flip swaps the direction of kept segments", () => {
    const log = SegmentLog.forCap(4);
    fill(log, 2);
    log.flipDirs();
    expect(segmentRefs(log.seal(), 0).map((s) => s.dir)).toEqual(["resp", "orig"]);
  });

  it("finds the first matching segment without building objects", () => {
    const log = SegmentLog.forCap(8);
    fill(log, 6);
    expect(findSegment(log.seal(), (dir, _f, n) => dir === "resp" && n > 2)).toEqual({ ts: 1000.4, n: 4 });
  });
});

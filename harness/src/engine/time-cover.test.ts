import { describe, expect, it } from "vitest";
import { timeCover, timeCoverOf } from "./time-cover.js";

describe("timeCover", () => {
  const spans = [
    { start: 5, end: 6 },
    { start: 1, end: 2 },
    { start: 1.5, end: 4 },
  ];
  const at = [0.9, 1, 2.5, 4, 4.01, 4.6, 5.5, 6, 6.2];

  it("covers a time inside some span, and one a span starts `early` after", () => {
    const covers = timeCover(spans);
    expect(at.map((t) => covers(t))).toEqual([false, true, true, true, false, false, true, true, false]);
    expect(covers(4.6, 0.5)).toBe(true);
    expect(covers(4.4, 0.5)).toBe(false);
  });

  it("reads two lists the same as the spans, in start order or not", () => {
    const covers = timeCover(spans);
    const shuffled = timeCoverOf(
      spans.map((s) => s.start),
      spans.map((s) => s.end),
    );
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    const inOrder = timeCoverOf(
      sorted.map((s) => s.start),
      sorted.map((s) => s.end),
    );
    for (const t of at)
      for (const early of [0, 0.5]) {
        expect(shuffled(t, early)).toBe(covers(t, early));
        expect(inOrder(t, early)).toBe(covers(t, early));
      }
    expect(timeCoverOf([], [])(1)).toBe(false);
  });
});

/**
 * Whether any of a set of time spans covers a time: the spans sorted by start, with the running
 * maximum of their ends, one binary search a look-up. Linear to build, so a capture of thousands of
 * connections compares each against thousands of others without comparing every pair.
 */
export interface Span {
  start: number;
  end: number;
}

/** `covers(t, early)`: some span starts at most `early` seconds after `t` and ends at `t` or later. */
export function timeCover(spans: readonly Span[]): (t: number, early?: number) => boolean {
  const starts = spans.map((s) => s.start);
  const order = starts.map((_, i) => i).sort((a, b) => starts[a] - starts[b]);
  const sorted = order.map((i) => starts[i]);
  const maxEnd: number[] = [];
  for (const i of order)
    maxEnd.push(Math.max(spans[i].end, maxEnd.length ? maxEnd[maxEnd.length - 1] : -Infinity));
  return (t, early = 0) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= t + early) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1] >= t;
  };
}

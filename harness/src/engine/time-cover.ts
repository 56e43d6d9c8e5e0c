/**
 * Whether any of a set of time spans covers a time: the spans sorted by start, with the running
 * maximum of their ends, one binary search a look-up. Linear to build, so a capture of thousands of
 * connections compares each against thousands of others without comparing every pair.
 */
export interface Span {
  start: number;
  end: number;
}

export type Covers = (t: number, early?: number) => boolean;

/** `covers(t, early)`: some span starts at most `early` seconds after `t` and ends at `t` or later. */
export function timeCover(spans: readonly Span[]): Covers {
  return timeCoverOf(
    spans.map((s) => s.start),
    spans.map((s) => s.end),
  );
}

/** The same over spans given as two lists, span k from `starts[k]` to `ends[k]`: no object a span. */
export function timeCoverOf(starts: ArrayLike<number>, ends: ArrayLike<number>): Covers {
  const n = starts.length;
  let inOrder = true;
  for (let i = 1; inOrder && i < n; i++) inOrder = starts[i - 1] <= starts[i];
  // Spans mostly come in start order (connections as they started): then no index to sort.
  const order = inOrder ? null : Array.from({ length: n }, (_, k) => k).sort((a, b) => starts[a] - starts[b]);
  const sorted = new Float64Array(n);
  const maxEnd = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    sorted[k] = starts[i];
    maxEnd[k] = k > 0 ? Math.max(ends[i], maxEnd[k - 1]) : ends[i];
  }
  return (t, early = 0) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= t + early) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1] >= t;
  };
}

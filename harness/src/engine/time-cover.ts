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
  const n = spans.length;
  let inOrder = true;
  for (let i = 1; inOrder && i < n; i++) inOrder = spans[i - 1].start <= spans[i].start;
  // Spans mostly come in start order (connections as they started): then no index to sort.
  const order = inOrder ? null : Array.from(spans.keys()).sort((a, b) => spans[a].start - spans[b].start);
  const sorted = new Float64Array(n);
  const maxEnd = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const s = spans[order ? order[k] : k];
    sorted[k] = s.start;
    maxEnd[k] = k > 0 ? Math.max(s.end, maxEnd[k - 1]) : s.end;
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

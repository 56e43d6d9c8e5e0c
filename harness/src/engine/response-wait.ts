/**
 * How long the backend took to answer, per exchange on a connection: from the request's last new
 * byte to the first new response byte after it. Retransmissions are not new bytes (newData), so a
 * resent request does not shorten the wait. A healthy exchange that was slow is still healthy,
 * but how close it came to the gateway's back timeout is worth telling.
 */
import type { SegmentView } from "../flows/segment-view.js";
import { newData } from "./conn-outcome.js";

export function responseWaits(segs: SegmentView): number[] {
  // Both sides' new data in time order (a stable merge, requests first on equal times).
  const data = [
    ...newData(segs, "orig").map((i) => ({ ts: segs.ts(i), request: true })),
    ...newData(segs, "resp").map((i) => ({ ts: segs.ts(i), request: false })),
  ].sort((a, b) => a.ts - b.ts);
  const out: number[] = [];
  let pending: number | null = null;
  for (const d of data) {
    if (d.request) pending = d.ts;
    else if (pending !== null) {
      out.push(d.ts - pending);
      pending = null;
    }
  }
  return out;
}

/** Exchanges answered on these connections and the longest wait among them, for `healthy`. */
export function answeredExchanges(conns: readonly { responseWaits: number[] }[]): {
  responses: number;
  slowest?: number;
} {
  const waits = conns.flatMap((c) => c.responseWaits);
  if (waits.length === 0) return { responses: conns.length };
  return { responses: waits.length, slowest: Math.max(...waits) };
}

/**
 * How long the backend took to answer, per exchange on a connection: from the request's last new
 * byte to the first new response byte after it. Retransmissions are not new bytes (newData), so a
 * resent request does not shorten the wait. A healthy exchange that was slow is still healthy,
 * but how close it came to the gateway's back timeout is worth telling.
 */
import type { SegmentView } from "../flows/segment-view.js";
import { newData } from "./conn-outcome.js";

export function responseWaits(segs: SegmentView): number[] {
  const req = newData(segs, "orig");
  const resp = newData(segs, "resp");
  const out: number[] = [];
  let pending: number | null = null;
  const step = (ts: number, request: boolean) => {
    if (request) pending = ts;
    else if (pending !== null) {
      out.push(ts - pending);
      pending = null;
    }
  };
  if (!inOrder(segs, req) || !inOrder(segs, resp)) {
    // Stamps out of order: both sides' new data sorted by time (stable, requests first on a tie).
    const data = [
      ...req.map((i) => ({ ts: segs.ts(i), request: true })),
      ...resp.map((i) => ({ ts: segs.ts(i), request: false })),
    ].sort((a, b) => a.ts - b.ts);
    for (const d of data) step(d.ts, d.request);
    return out;
  }
  // Each side in time order: merged as the stable sort would order them, without the objects.
  for (let i = 0, j = 0; i < req.length || j < resp.length;) {
    if (j >= resp.length || (i < req.length && segs.ts(req[i]) <= segs.ts(resp[j])))
      step(segs.ts(req[i++]), true);
    else step(segs.ts(resp[j++]), false);
  }
  return out;
}

function inOrder(segs: SegmentView, at: readonly number[]): boolean {
  for (let k = 1; k < at.length; k++) if (segs.ts(at[k - 1]) > segs.ts(at[k])) return false;
  return true;
}

/** Exchanges answered on these connections and the longest wait among them, for `healthy`. */
export function answeredExchanges(conns: readonly { responseWaits: number[] }[]): {
  responses: number;
  slowest?: number;
} {
  // A loop, not Math.max(...waits): a spread of a few hundred thousand numbers overflows the stack.
  let responses = 0;
  let slowest = -Infinity;
  for (const c of conns)
    for (const w of c.responseWaits) {
      responses++;
      if (w > slowest) slowest = w;
    }
  if (responses === 0) return { responses: conns.length };
  return { responses, slowest };
}

/** Unanswered connects inside a burst of established ones to the same backend: a full listen queue. */
import { BURST_SECONDS, ESTABLISHED, backendOf } from "./capture-view.js";
import type { ConnGroup } from "./conn-groups.js";

/** Unanswered connections that ran alongside established ones (one burst), not after them. */
export function burstFailures(groups: ConnGroup[], diedOnPath: (g: ConnGroup) => boolean): ConnGroup[] {
  // Connections whose handshake completed (served or not: an overloaded backend's kernel accepts
  // into the backlog what its program never serves), by start, with the running maximum of their
  // ends: one binary search for each unanswered connection.
  // Per backend address and port: a full queue drops SYNs to the host that accepted the others
  // (Happy Eyeballs' unanswered IPv6 attempt beside a served IPv4 one is no burst).
  const byBackend = new Map<string, { oks: ConnGroup[]; maxEnd: number[] }>();
  for (const o of groups.filter((g) => ESTABLISHED.has(g.near.outcome)).sort((a, b) => a.start - b.start)) {
    const b = byBackend.get(backendOf(o)) ?? { oks: [], maxEnd: [] };
    b.maxEnd.push(Math.max(o.near.end, b.oks.length ? b.maxEnd[b.maxEnd.length - 1] : -Infinity));
    b.oks.push(o);
    byBackend.set(backendOf(o), b);
  }
  return groups.filter((g) => {
    const { oks, maxEnd } = byBackend.get(backendOf(g)) ?? { oks: [], maxEnd: [] };
    if (g.near.outcome !== "unanswered" || oks.length === 0 || diedOnPath(g)) return false;
    let lo = 0;
    let hi = oks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (oks[mid].start <= g.start + BURST_SECONDS) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1] >= g.start;
  });
}

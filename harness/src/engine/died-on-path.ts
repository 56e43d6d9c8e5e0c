/** Whether an unanswered connect died between capture points (rules-loss.ts, burst-failures.ts). */
import type { ConnGroup } from "./conn-groups.js";
import type { Facts } from "./facts.js";

/**
 * Whether an unanswered connect's SYN or answer died between capture points: the backend's answer
 * was seen farther along (or its first copy was, and only a later one came through), or a point on
 * the way to the same backend (it saw other connections to it) was capturing when the SYN left
 * and never saw it. Not a full listen queue, which drops SYNs
 * that reached the backend. Built once per analysis: linear in the connections.
 */
export function diedOnPathTest(f: Facts, groups: ConnGroup[]): (g: ConnGroup) => boolean {
  // By address, then port: no key text made per connection.
  const pointsTo = new Map<string, Map<number, Set<number>>>();
  for (const o of groups) {
    const { address, port } = o.near;
    let ports = pointsTo.get(address);
    if (!ports) pointsTo.set(address, (ports = new Map()));
    let set = ports.get(port);
    if (!set) ports.set(port, (set = new Set()));
    for (const v of o.views) set.add(v.point);
  }
  const byPoint = new Map(f.captures.map((c) => [c.point, c]));
  return (g) => {
    if (g.near.outcome !== "unanswered") return false;
    if (g.views.some((v) => v.outcome !== "unanswered")) return true;
    if (answerDiedBetween(g)) return true;
    const seen = new Set(g.views.map((v) => v.point));
    // A point not among this connection's views that saw the backend saw it in another connection.
    for (const p of pointsTo.get(g.near.address)?.get(g.near.port) ?? []) {
      const c = byPoint.get(p);
      if (seen.has(p) || !c || c.firstTs === null || c.lastTs === null) continue;
      if (c.firstTs <= g.start && g.start <= c.lastTs) return true;
    }
    return false;
  };
}

/**
 * More than this between the backend's first SYN-ACK at a farther point and the first to reach a
 * nearer one: that answer died between them and a retransmission (Linux waits 1 s first) got
 * through. Transit between points takes milliseconds.
 */
const ANSWER_LOST_SECONDS = 0.5;

/** The backend's first SYN-ACK passed a farther point and never reached the nearer one, which saw a later copy. */
function answerDiedBetween(g: ConnGroup): boolean {
  for (let i = 1; i < g.views.length; i++) {
    const nearer = g.views[i - 1].firstSynAckTs;
    const farther = g.views[i].firstSynAckTs;
    if (nearer !== null && farther !== null && nearer - farther > ANSWER_LOST_SECONDS) return true;
  }
  return false;
}

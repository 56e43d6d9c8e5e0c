/** Unanswered connects inside a burst of established ones to the same backend: a full listen queue. */
import { BURST_SECONDS, ESTABLISHED } from "./capture-view.js";
import type { ConnGroup } from "./conn-groups.js";
import { timeCoverOf, type Covers } from "./time-cover.js";

/** One backend's established connections: their starts and ends, side by side. */
interface Spans {
  starts: number[];
  ends: number[];
}

/** Unanswered connections that ran alongside established ones (one burst), not after them. */
export function burstFailures(groups: ConnGroup[], diedOnPath: (g: ConnGroup) => boolean): ConnGroup[] {
  // Connections whose handshake completed (served or not: an overloaded backend's kernel accepts
  // into the backlog what its program never serves), per backend address and port: a full queue
  // drops SYNs to the host that accepted the others (Happy Eyeballs' unanswered IPv6 attempt
  // beside a served IPv4 one is no burst).
  // Keyed by address, then port, spans as two number lists: no key text or object made per
  // connection (a capture can hold a million).
  const spans = new Map<string, Map<number, Spans>>();
  for (const o of groups)
    if (ESTABLISHED.has(o.near.outcome)) {
      const { address, port } = o.near;
      let ports = spans.get(address);
      if (!ports) spans.set(address, (ports = new Map()));
      let list = ports.get(port);
      if (!list) ports.set(port, (list = { starts: [], ends: [] }));
      list.starts.push(o.start);
      list.ends.push(o.near.end);
    }
  const open = new Map<string, Map<number, Covers>>();
  for (const [address, ports] of spans)
    open.set(address, new Map([...ports].map(([port, s]) => [port, timeCoverOf(s.starts, s.ends)])));
  return groups.filter((g) => {
    if (g.near.outcome !== "unanswered" || diedOnPath(g)) return false;
    // An established one open when it started, or starting just after.
    return open.get(g.near.address)?.get(g.near.port)?.(g.start, BURST_SECONDS) ?? false;
  });
}

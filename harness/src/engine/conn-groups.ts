/**
 * One connection seen at several capture points is one group. The points are put in path order by
 * the IPv4 TTL (IPv6 hop limit) of its first SYN: every router hop takes one off
 * (RFC 791 section 3.2; net/ipv4/ip_forward.c), so the copy with the highest TTL was captured
 * closest to the gateway. That needs no knowledge of the topology.
 */
import type { CaptureFacts, ConnFact } from "./capture-evidence.js";

export interface ConnGroup {
  key: string;
  /** Views in path order: closest to the gateway first. */
  views: ConnFact[];
  /** What the gateway experienced: the view closest to it. */
  near: ConnFact;
  /** The view farthest along the path. */
  far: ConnFact;
  start: number;
}

/**
 * Two points' views of one connection start within this of each other, or overlap in time: a
 * point beyond a drop sees only the SYN that got through, which may be a retransmission seconds
 * after the first (the 5-tuple cannot start a second connection while the first is open).
 */
const SAME_CONN_SECONDS = 2;
/**
 * A packet reaches a point farther along a little after it left the one before: a view that
 * starts with the last SYN a nearer point saw (the retransmission that got through) starts just
 * after that view's end.
 */
const TRANSIT_SECONDS = 1;

function byPath(a: ConnFact, b: ConnFact): number {
  return (b.synTtl ?? -1) - (a.synTtl ?? -1) || (a.firstSyn?.ts ?? a.start) - (b.firstSyn?.ts ?? b.start);
}

/** One capture point: every connection is its own group (a point never joins its own views); a view is a group of itself. */
function singleViews(conns: ConnFact[]): ConnGroup[] {
  // Mostly in start order already (a table's rows are, conn-table.ts): then the list itself, not
  // a copy of a million entries; else a sorted copy, whose runs the sort takes in one pass.
  let sorted = true;
  for (let i = 1; sorted && i < conns.length; i++) sorted = conns[i - 1].start <= conns[i].start;
  return sorted ? conns : [...conns].sort((a, b) => a.start - b.start);
}

export function groupConns(captures: CaptureFacts[]): ConnGroup[] {
  if (captures.length === 1) return singleViews(captures[0].conns);
  const groups: { key: string; views: ConnFact[] }[] = [];
  // By 5-tuple first, so a capture of many connections stays linear; a reused tuple is rare.
  const byKey = new Map<string, { key: string; views: ConnFact[] }[]>();
  for (const cap of captures) {
    for (const c of cap.conns) {
      const key = c.key;
      const same = byKey.get(key) ?? [];
      const g = same.find(
        (x) =>
          (Math.abs(x.views[0].start - c.start) <= SAME_CONN_SECONDS ||
            x.views.some((v) => v.start <= c.end + TRANSIT_SECONDS && c.start <= v.end + TRANSIT_SECONDS)) &&
          !x.views.some((v) => v.point === c.point),
      );
      if (g) g.views.push(c);
      else {
        const ng = { key, views: [c] };
        groups.push(ng);
        same.push(ng);
        byKey.set(key, same);
      }
    }
  }
  return groups
    .map((g) => {
      const views = [...g.views].sort(byPath);
      return {
        key: g.key,
        views,
        near: views[0],
        far: views[views.length - 1],
        start: Math.min(...views.map((v) => v.start)),
      };
    })
    .sort((a, b) => a.start - b.start);
}

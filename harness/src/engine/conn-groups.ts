/**
 * One connection seen at several capture points is one group. The points are put in path order by
 * the IPv4 TTL (IPv6 hop limit) of its first SYN: every router hop takes one off
 * (RFC 791 section 3.2; net/ipv4/ip_forward.c), so the copy with the highest TTL was captured
 * closest to the gateway. That needs no knowledge of the topology.
 */
import type { CaptureFacts, ConnFact } from "./capture-evidence.js";
import type { CapturePoints } from "./types.js";

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

function byPath(a: ConnFact, b: ConnFact): number {
  return (b.synTtl ?? -1) - (a.synTtl ?? -1) || (a.firstSyn?.ts ?? a.start) - (b.firstSyn?.ts ?? b.start);
}

export function groupConns(captures: CaptureFacts[]): ConnGroup[] {
  const groups: { key: string; views: ConnFact[] }[] = [];
  // By 5-tuple first, so a capture of many connections stays linear; a reused tuple is rare.
  const byKey = new Map<string, { key: string; views: ConnFact[] }[]>();
  for (const cap of captures) {
    for (const c of cap.conns) {
      const key = `${c.client}:${c.cport}>${c.address}:${c.port}`;
      const same = byKey.get(key) ?? [];
      const g = same.find(
        (x) =>
          (Math.abs(x.views[0].start - c.start) <= SAME_CONN_SECONDS ||
            x.views.some((v) => v.start <= c.end && c.start <= v.end)) &&
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

/** Where the packets of one failing connection died, across every capture point given. */
export function capturePoints(group: ConnGroup, captures: CaptureFacts[]): CapturePoints | undefined {
  if (captures.length < 2) return undefined;
  const seen = new Set(group.views.map((v) => v.point));
  const answered = (v: ConnFact) => v.outcome !== "unanswered" || v.lateSynAck === true;
  const order = [
    ...group.views.map((v) => ({
      source: v.source,
      synTtl: v.synTtl,
      sawSyn: v.syns > 0,
      sawAnswer: answered(v),
    })),
    ...captures
      .filter((c) => !seen.has(c.point))
      .map((c) => ({ source: c.source, synTtl: null, sawSyn: false, sawAnswer: false })),
  ];
  const withSyn = order.filter((o) => o.sawSyn);
  const without = order.filter((o) => !o.sawSyn);
  const ttl = (o: { synTtl: number | null }) => (o.synTtl === null ? "" : ` (TTL ${o.synTtl})`);
  let statement: string;
  const lastSyn = withSyn[withSyn.length - 1];
  const firstAnswer = order.find((o) => o.sawAnswer);
  if (withSyn.length === 0) statement = "the SYN was seen at no capture point";
  else if (without.length > 0 && !firstAnswer)
    statement = `the SYN reached ${withSyn.map((o) => o.source + ttl(o)).join(", ")} but not ${without.map((o) => o.source).join(", ")}`;
  else if (firstAnswer && !order[0].sawAnswer)
    statement = `an answer was seen at ${order
      .filter((o) => o.sawAnswer)
      .map((o) => o.source)
      .join(", ")} but it never reached ${order
      .filter((o) => !o.sawAnswer && o.sawSyn)
      .map((o) => o.source)
      .join(", ")}: it died on the way back`;
  else if (!firstAnswer)
    statement = `the SYN reached every capture point, the last being ${lastSyn.source}${ttl(lastSyn)}, and was answered at none`;
  else statement = `the SYN reached ${withSyn.map((o) => o.source + ttl(o)).join(", ")} and was answered`;
  return { order, statement };
}

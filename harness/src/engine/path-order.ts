/**
 * Capture points in path order, closest to the gateway first: by the TTL of the same SYN (every
 * router hop takes one off, RFC 791 section 3.2), then by the role the capture's name gives
 * (`<node>-<segment>.pcap`: gateway, firewall on the gateway's side, firewall on the backend's
 * side, backend). A point that did not see the SYN has no TTL and is placed by its role alone,
 * after the points of the same or an earlier role. Never alphabetical.
 */
import type { CapturePoint } from "./types.js";

const GATEWAY = /^(gateway|gw|datapower|dp|idg|appliance)$/i;
const BACKEND = /^(backend|server|api|upstream|origin)$/i;

/** `firewall-mid.pcap` -> { node: "firewall", segment: "mid" } (segment "" when the name has none). */
export function pointName(source: string): { node: string; segment: string } {
  const base = (source.split(/[/#]/).pop() ?? source).replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "");
  const [node = base, ...rest] = base.split(/[-_.]/);
  return { node, segment: rest.join("-") };
}

/** 0 gateway, 1 a middle box on the gateway's segment, 2 on the backend's, 3 backend; 1.5 unknown. */
export function roleRanks(sources: readonly string[]): Map<string, number> {
  const names = sources.map((s) => ({ s, ...pointName(s) }));
  const gwSegs = new Set(names.filter((n) => GATEWAY.test(n.node)).map((n) => n.segment));
  const beSegs = new Set(names.filter((n) => BACKEND.test(n.node)).map((n) => n.segment));
  const rank = (n: (typeof names)[number]) =>
    GATEWAY.test(n.node)
      ? 0
      : BACKEND.test(n.node)
        ? 3
        : gwSegs.has(n.segment) && n.segment
          ? 1
          : beSegs.has(n.segment) && n.segment
            ? 2
            : 1.5;
  return new Map(names.map((n) => [n.s, rank(n)]));
}

export function orderPoints(points: readonly CapturePoint[]): CapturePoint[] {
  const ranks = roleRanks(points.map((p) => p.source));
  const rank = (p: CapturePoint) => ranks.get(p.source) ?? 1.5;
  const index = new Map(points.map((p, i) => [p, i]));
  const seen = points
    .filter((p) => p.synTtl !== null)
    .sort((a, b) => b.synTtl! - a.synTtl! || rank(a) - rank(b) || index.get(a)! - index.get(b)!);
  const out = [...seen];
  const unseen = points.filter((p) => p.synTtl === null).sort((a, b) => rank(a) - rank(b));
  for (const p of unseen) {
    let at = 0;
    out.forEach((q, i) => {
      if (rank(q) <= rank(p)) at = i + 1;
    });
    out.splice(at, 0, p);
  }
  return out;
}

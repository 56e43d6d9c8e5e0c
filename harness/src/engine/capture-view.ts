/**
 * What every capture rule reads: the connection groups sorted by what happened to them as the
 * gateway saw them (served, failing, lossy, answered late), the representative failure, and the
 * predicates the rule families share (rules-loss, rules-overload, rules-connect, rules-exchange,
 * rules-tls; rules-capture.ts runs them in order).
 */
import type { ConnOutcome } from "./conn-outcome.js";
import type { ConnGroup } from "./conn-groups.js";
import type { Evidence } from "./types.js";

export const FAILURES = new Set<ConnOutcome>([
  "unanswered",
  "refused",
  "icmp",
  "no-response",
  "closed",
  "reset",
  "tls-failed",
]);
/** A failing connection that starts while a successful one is open (or this close before it) ran in the same burst. */
export const BURST_SECONDS = 0.5;

export const isFailure = (g: ConnGroup) => FAILURES.has(g.near.outcome);

export const ESTABLISHED = new Set<ConnOutcome>([
  "ok",
  "no-response",
  "closed",
  "reset",
  "tls-failed",
  "idle",
]);

/**
 * The request left the gateway's side but a point farther along never saw it, or the backend's
 * response passed a farther point but never reached the gateway's: a segment died on the path.
 */
export const lostBetween = (g: ConnGroup) =>
  g.views.length > 1 &&
  ((g.near.requestBytes > 0 && g.far.requestBytes === 0) ||
    (g.far.responseBytes > 0 && g.near.responseBytes === 0));

/**
 * Loss on an established connection: data retransmitted, or a segment lost between points. Dup
 * ACKs alone are not loss: a lost segment is retransmitted after them (RFC 5681 section 3.2), and
 * a peer that restarted answers a stale connection with repeated ACKs too.
 */
export const lossy = (g: ConnGroup) =>
  ESTABLISHED.has(g.near.outcome) && (g.views.some((v) => v.retransmissions > 0) || lostBetween(g));

/** The SYN crossed the routers to the point beside the backend and was not answered there. */
export const unansweredBesideBackend = (g: ConnGroup) =>
  g.views.length > 1 &&
  g.far.outcome === "unanswered" &&
  !g.far.lateSynAck &&
  (g.near.synTtl ?? 0) > (g.far.synTtl ?? 0);

export const backendOf = (g: ConnGroup) => `${g.near.address}|${g.near.port}`;

/** The failing connection the diagnosis is about: the most common failure, the latest of it. */
export function representative(groups: ConnGroup[]): ConnGroup | undefined {
  const failing = groups.filter(isFailure);
  if (failing.length === 0) return undefined;
  const count = new Map<ConnOutcome, { n: number; last: number }>();
  for (const g of failing) {
    const c = count.get(g.near.outcome) ?? { n: 0, last: -Infinity };
    count.set(g.near.outcome, { n: c.n + 1, last: Math.max(c.last, g.start) });
  }
  // On a tie the later attempt decides (a client that falls back to the name's next address).
  const top = [...count.entries()].sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last)[0][0];
  // The latest of that outcome (the first of them on a tie, as a stable sort would keep it).
  let rep: ConnGroup | undefined;
  for (const g of failing) if (g.near.outcome === top && (!rep || g.start > rep.start)) rep = g;
  return rep;
}

export function sum<T>(xs: T[], fn: (x: T) => number): number {
  return xs.reduce((a, x) => a + fn(x), 0);
}

/** The groups of one diagnosis, read once for every rule family. */
export interface CaptureView {
  groups: ConnGroup[];
  oks: ConnGroup[];
  failing: ConnGroup[];
  lossyGroups: ConnGroup[];
  late: ConnGroup[];
  /** The failure the diagnosis is about, its view nearest the gateway, its backend, its evidence. */
  rep: ConnGroup;
  n: ConnGroup["near"];
  conn: { address: string; port: number };
  ev: Evidence[];
}

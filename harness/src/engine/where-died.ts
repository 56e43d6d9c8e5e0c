/**
 * Where the packets of the failing connection died, from the capture points in path order: the
 * one answer the explanation, the ladder and the next steps all use, so they cannot disagree.
 */
import type { CapturePoint } from "./types.js";
import { pointName } from "./path-order.js";

export type PathVerdict =
  /** No capture point saw the SYN. */
  | { kind: "no-syn" }
  /** The SYN was seen up to `lastSeen` and not at `missing` (the first of them just after it). */
  | { kind: "syn-lost"; lastSeen: string; missing: string[] }
  /** An answer was seen at `answeredAt` (farthest first toward the gateway) but not at `notReached`. */
  | { kind: "answer-lost"; answeredAt: string[]; notReached: string[] }
  /** The SYN reached every point and none saw an answer. */
  | { kind: "unanswered"; last: string }
  | { kind: "answered" };

export function whereDied(order: readonly CapturePoint[]): PathVerdict {
  const lastIdx = order.map((p) => p.sawSyn).lastIndexOf(true);
  if (lastIdx < 0) return { kind: "no-syn" };
  const answered = order.filter((p) => p.sawAnswer);
  if (answered.length === 0) {
    const missing = order.slice(lastIdx + 1).filter((p) => !p.sawSyn);
    if (missing.length)
      return { kind: "syn-lost", lastSeen: order[lastIdx].source, missing: missing.map((p) => p.source) };
    return { kind: "unanswered", last: order[lastIdx].source };
  }
  const near = order.find((p) => p.sawSyn);
  if (near?.sawAnswer) return { kind: "answered" };
  const firstAnswer = order.indexOf(answered[0]);
  const notReached = order.slice(0, firstAnswer).filter((p) => p.sawSyn && !p.sawAnswer);
  return {
    kind: "answer-lost",
    answeredAt: answered.map((p) => p.source),
    notReached: notReached.map((p) => p.source),
  };
}

/** The two capture points between which the packet died, nearest to the gateway first. */
export function culpritHop(v: PathVerdict): [string, string] | null {
  if (v.kind === "syn-lost") return [v.lastSeen, v.missing[0]];
  if (v.kind === "answer-lost" && v.notReached.length) return [v.notReached.at(-1)!, v.answeredAt[0]];
  return null;
}

/**
 * Who sits on that hop, for a person: the box itself when both points are its own interfaces
 * (`firewall-mid`, `firewall-back`: the firewall), else the link between the two boxes.
 */
export function hopText(a: string, b: string): string {
  const x = pointName(a);
  const y = pointName(b);
  if (x.node && x.node === y.node) return `the ${x.node} itself (between ${a} and ${b})`;
  return `the path between ${a} and ${b}`;
}

export function pathStatement(v: PathVerdict, ttlOf: (s: string) => number | null = () => null): string {
  const ttl = (s: string) => (ttlOf(s) === null ? s : `${s} (TTL ${ttlOf(s)})`);
  switch (v.kind) {
    case "no-syn":
      return "the SYN was seen at no capture point";
    case "syn-lost":
      return `the SYN was last seen at ${ttl(v.lastSeen)} and never reached ${v.missing.join(", ")}: it died in ${hopText(v.lastSeen, v.missing[0])}`;
    case "answer-lost": {
      const hop = culpritHop(v);
      return `the backend's answer was seen at ${v.answeredAt.join(", ")} but never reached ${v.notReached.join(", ") || "the gateway"}: it died on the way back${hop ? `, in ${hopText(hop[0], hop[1])}` : ""}`;
    }
    case "unanswered":
      return `the SYN reached every capture point, the last being ${ttl(v.last)}, and was answered at none`;
    case "answered":
      return "the SYN was answered at every capture point that saw it";
  }
}

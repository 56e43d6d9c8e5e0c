/** The failing connection across every capture point: path order (path-order.ts) and where it died (where-died.ts). */
import type { CaptureFacts, ConnFact } from "./capture-evidence.js";
import type { ConnGroup } from "./conn-groups.js";
import { orderPoints } from "./path-order.js";
import type { CapturePoints } from "./types.js";
import { pathStatement, whereDied } from "./where-died.js";

export function capturePoints(group: ConnGroup, captures: CaptureFacts[]): CapturePoints | undefined {
  if (captures.length < 2) return undefined;
  const seen = new Set(group.views.map((v) => v.point));
  const answered = (v: ConnFact) => v.outcome !== "unanswered" || v.lateSynAck === true;
  const order = orderPoints([
    ...group.views.map((v) => ({
      source: v.source,
      synTtl: v.synTtl,
      sawSyn: v.syns > 0,
      sawAnswer: answered(v),
    })),
    ...captures
      .filter((c) => !seen.has(c.point))
      .map((c) => ({ source: c.source, synTtl: null, sawSyn: false, sawAnswer: false })),
  ]);
  const died = whereDied(order);
  const ttl = new Map(order.map((o) => [o.source, o.synTtl]));
  return { order, died, statement: pathStatement(died, (s) => ttl.get(s) ?? null) };
}

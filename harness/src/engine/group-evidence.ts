/**
 * Evidence grouped: one statement with every capture point, frame and log line that supports
 * it, not one line per point. Items group when they say the same thing, the client port and the
 * parenthesised counts aside (the same failure of several connections of one burst); a group of
 * several connections says how many.
 */
import type { Evidence, EvidencePlace } from "./types.js";

const key = (e: Evidence) =>
  `${e.kind}|${e.statement
    .replace(/(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):\d+ -> /gi, "$1 -> ")
    .replace(/ \([^()]*\)/g, "")
    .replace(/\b\d+ ms\b/g, "N ms")}`;

const place = (e: Evidence): EvidencePlace => ({
  source: e.source,
  ...(e.packets ? { packets: e.packets } : {}),
  ...(e.times ? { times: e.times } : {}),
  ...(e.lines ? { lines: e.lines } : {}),
  ...(e.part ? { part: e.part } : {}),
});

export function groupEvidence(ev: readonly Evidence[]): Evidence[] {
  const groups = new Map<string, Evidence[]>();
  for (const e of ev) {
    const k = key(e);
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  return [...groups.values()].map((g) => {
    const places: EvidencePlace[] = [];
    const seen = new Set<string>();
    for (const e of g)
      for (const p of e.places ?? [place(e)]) {
        const id = `${p.source}|${(p.packets ?? p.lines ?? []).join(",")}|${p.part ?? ""}`;
        if (!seen.has(id)) {
          seen.add(id);
          places.push(p);
        }
      }
    const statements = new Set(g.map((e) => e.statement));
    const conns = new Set(g.flatMap((e) => [...e.statement.matchAll(/:(\d+) -> /g)].map((m) => m[1])));
    const statement =
      statements.size > 1 && conns.size > 1
        ? `${key(g[0]).slice(g[0].kind.length + 1)} (${conns.size} connections)`
        : g[0].statement;
    return { ...g[0], statement, places };
  });
}

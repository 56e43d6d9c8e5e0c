/**
 * One request in two logs: nginx writes an upstream failure to its error log and the request's
 * end to its access log, and the two share no key a stranger's format is sure to have (`*N`
 * only when `$connection` is logged). A failure line finds its request by the client and request
 * line both name, within the request's span. A request the access log says was served recovered
 * from the failure (`proxy_next_upstream` to another server, a retry after a cached keepalive
 * connection was closed): what finally happened decides (TAXONOMY.md notes).
 */
import type { LogFact } from "./log-evidence.js";

export interface RequestGroup {
  facts: LogFact[];
  /** The access log says the request was served after the failures in it. */
  served: boolean;
}

/** Seconds: error-log times are whole seconds, and a request's start is known only when logged. */
const BEFORE_S = 2;
const AFTER_S = 1;

const OUTCOME = new Set(["responseSent", "errorResponseSent"]);

function keyOf(f: LogFact): string | undefined {
  const { client, request } = f.params;
  return client && request ? `${client} ${request}` : undefined;
}

interface Outcome {
  group: LogFact[];
  key: string;
  tid: number;
  start: number;
  end: number;
  served: boolean;
  claimed: boolean;
}

function outcomeOf(group: LogFact[]): Outcome | undefined {
  const o = group.find((f) => OUTCOME.has(f.event));
  const key = o && keyOf(o);
  if (!o || !key) return undefined;
  return {
    group,
    key,
    tid: o.entry.tid,
    start: Math.min(...group.map((f) => f.time)),
    end: o.time,
    served: o.event === "responseSent",
    claimed: false,
  };
}

/** Joins each failure group to its request's outcome; groups with no request key stay as they are. */
export function joinRequests(groups: LogFact[][]): RequestGroup[] {
  const outcomes = new Map<LogFact[], Outcome>();
  const byKey = new Map<string, Outcome[]>();
  for (const g of groups) {
    const o = outcomeOf(g);
    if (!o) continue;
    outcomes.set(g, o);
    const list = byKey.get(o.key);
    if (list) list.push(o);
    else byKey.set(o.key, [o]);
  }
  if (byKey.size === 0) return groups.map((facts) => ({ facts, served: false }));
  const joined = new Map<LogFact[], LogFact[]>();
  const rest: LogFact[][] = [];
  for (const g of groups) {
    if (outcomes.has(g)) continue;
    const f = g.find((x) => keyOf(x));
    const candidates = f ? byKey.get(keyOf(f)!) : undefined;
    const o = candidates && pick(candidates, f!);
    if (!o) {
      rest.push(g);
      continue;
    }
    o.claimed = true;
    joined.set(o.group, [...(joined.get(o.group) ?? []), ...g]);
  }
  const out: RequestGroup[] = rest.map((facts) => ({ facts, served: false }));
  for (const [g, o] of outcomes) {
    const extra = joined.get(g) ?? [];
    const facts = [...extra, ...g].sort((a, b) => a.time - b.time);
    out.push({ facts, served: o.served && extra.length > 0 });
  }
  return out;
}

/**
 * The request a failure line belongs to: the same nginx connection when both logs name it, else a
 * failed request before a served one (a failure the access log also shows failing is that one),
 * the nearest in time.
 */
function pick(candidates: Outcome[], f: LogFact): Outcome | undefined {
  const t = f.time;
  const near = candidates.filter((o) => !o.claimed && t >= o.start - BEFORE_S && t <= o.end + AFTER_S);
  if (near.length === 0) return undefined;
  const tid = f.entry.tid;
  const same = tid ? near.filter((o) => o.tid === tid) : [];
  if (same.length) return same[0];
  if (near.some((o) => o.tid !== 0) && tid) return undefined;
  const order = (o: Outcome) => (o.served ? 1 : 0);
  return near.sort((a, b) => order(a) - order(b) || Math.abs(a.end - t) - Math.abs(b.end - t))[0];
}

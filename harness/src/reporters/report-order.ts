/**
 * The order a person reads a report in: what needs a look first (mismatches, harness errors,
 * interrupted and partial runs), passing runs last; the planned order within each group.
 */
import type { ScenarioRunResult } from "../runner/result-types.js";
import { resultStatus } from "../runner/result-types.js";

const RANK = { mismatched: 0, errored: 1, interrupted: 2, matched: 4, "not-applicable": 5 } as const;

export function needsLook(r: ScenarioRunResult): boolean {
  const st = resultStatus(r);
  return (st !== "matched" && st !== "not-applicable") || r.partial;
}

function rank(r: ScenarioRunResult): number {
  const st = resultStatus(r);
  return st === "matched" && r.partial ? 3 : RANK[st];
}

export function reportOrder(results: readonly ScenarioRunResult[]): ScenarioRunResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map((x) => x.r);
}

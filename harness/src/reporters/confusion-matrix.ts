/**
 * Expected × diagnosed counts over every scenario run (repeats included). Rows and columns are
 * the labels that occur, in taxonomy order; a run without a diagnosis counts under "none". An
 * interrupted run claims no diagnosis and is left out.
 */
import { CAUSES } from "../taxonomy.js";
import type { ScenarioRunResult } from "../runner/result-types.js";

export const NO_DIAGNOSIS = "none";

export interface ConfusionMatrix {
  rows: string[];
  cols: string[];
  /** counts[expected][diagnosed] */
  counts: Record<string, Record<string, number>>;
}

const order = (labels: Set<string>) => [
  ...CAUSES.filter((c) => labels.has(c)),
  ...(labels.has(NO_DIAGNOSIS) ? [NO_DIAGNOSIS] : []),
];

export function confusionMatrix(results: readonly ScenarioRunResult[]): ConfusionMatrix {
  const rows = new Set<string>();
  const cols = new Set<string>();
  const counts: Record<string, Record<string, number>> = {};
  for (const r of results) {
    if (r.interrupted) continue;
    // Not run with that gateway: neither right nor wrong.
    if (r.notApplicable !== undefined) continue;
    const got = r.diagnosed ?? NO_DIAGNOSIS;
    rows.add(r.expected);
    cols.add(got);
    counts[r.expected] ??= {};
    counts[r.expected][got] = (counts[r.expected][got] ?? 0) + 1;
  }
  return { rows: order(rows), cols: order(cols), counts };
}

/** A run's result in one or two words, the same in the table, the section and the console. */
import type { ScenarioRunResult } from "../runner/result-types.js";
import { resultStatus } from "../runner/result-types.js";

const STATUS_TEXT = {
  matched: "match",
  mismatched: "mismatch",
  errored: "error",
  interrupted: "interrupted",
  "not-applicable": "not applicable",
} as const;

export function statusText(r: ScenarioRunResult): string {
  const st = resultStatus(r);
  if (st === "not-applicable") return `not applicable with ${r.gateway}: ${r.notApplicable}`;
  const base = st === "errored" && r.error ? `error ${r.error.code}` : STATUS_TEXT[st];
  return `${base}${r.partial && st !== "interrupted" ? " (partial)" : ""}`;
}

/**
 * The scenario × gateway table of a run with several gateways (`backside run --gateway all`):
 * one row per scenario (repeats folded in), one column per gateway, each cell what that gateway's
 * runs gave.
 */
import type { ScenarioRunResult } from "../runner/result-types.js";

export interface GatewayTable {
  gateways: string[];
  rows: { scenario: string; expected: string; cells: Record<string, string> }[];
}

/** `✓` every repeat matched, `✘ <diagnosed>` otherwise, `n/a` not applicable, `` not run. */
export function cellText(rs: readonly ScenarioRunResult[]): string {
  if (rs.length === 0) return "";
  if (rs.every((r) => r.notApplicable !== undefined)) return "n/a";
  const matched = rs.filter((r) => r.match).length;
  if (matched === rs.length) return rs.length > 1 ? `✓ ${matched}/${rs.length}` : "✓";
  const wrong = [...new Set(rs.filter((r) => !r.match).map((r) => r.diagnosed ?? r.error?.code ?? "none"))];
  return `✘ ${rs.length > 1 ? `${matched}/${rs.length} ` : ""}${wrong.join(", ")}`;
}

/** Undefined when the run had one gateway only. */
export function gatewayTable(results: readonly ScenarioRunResult[]): GatewayTable | undefined {
  const gateways = [...new Set(results.map((r) => r.gateway))];
  if (gateways.length < 2) return undefined;
  const by = new Map<string, ScenarioRunResult[]>();
  for (const r of results) {
    const list = by.get(r.scenario) ?? [];
    list.push(r);
    by.set(r.scenario, list);
  }
  return {
    gateways,
    rows: [...by.entries()].map(([scenario, rs]) => ({
      scenario,
      expected: rs[0].expected,
      cells: Object.fromEntries(gateways.map((g) => [g, cellText(rs.filter((r) => r.gateway === g))])),
    })),
  };
}

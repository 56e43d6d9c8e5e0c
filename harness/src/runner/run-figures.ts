/**
 * A run's time budget from its results: per phase summed over the scenario runs, the parts of
 * bring-up, and the two ratios the catalogue is judged by — efficiency (time the faults
 * themselves took, summed, over the run's wall time) and overhead (bring-up, collection and
 * teardown over the summed scenario time). Pure: the run benchmark prints it.
 */
import type { PhaseTimings } from "./result-types.js";

export const PHASES = ["bringUp", "faultWait", "collect", "diagnose", "teardown", "total"] as const;
export type Phase = (typeof PHASES)[number];

/** A topology's own phases (`new.*`, `reset.*`): they may run ahead, in the background. */
export function isTopologyPhase(step: string): boolean {
  return step.startsWith("new.") || step.startsWith("reset.");
}

export interface RunFigures {
  runs: number;
  sum: Record<Phase, number>;
  /** Summed parts of bring-up (PhaseTimings.bringUpSteps), largest first. */
  bringUpSteps: [string, number][];
  wallMs: number | null;
  /** Sum of faultWait / wall; null without a wall time. */
  efficiency: number | null;
  /** (bringUp + collect + teardown) / sum of total; null when nothing ran. */
  overhead: number | null;
}

export function runFigures(results: readonly { timings: PhaseTimings }[], wallMs: number | null): RunFigures {
  const sum = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  const steps = new Map<string, number>();
  for (const r of results) {
    for (const p of PHASES) sum[p] += r.timings[p] ?? 0;
    for (const [k, v] of Object.entries(r.timings.bringUpSteps ?? {})) steps.set(k, (steps.get(k) ?? 0) + v);
  }
  return {
    runs: results.length,
    sum,
    bringUpSteps: [...steps].sort((a, b) => b[1] - a[1]),
    wallMs,
    efficiency: wallMs ? sum.faultWait / wallMs : null,
    overhead: sum.total ? (sum.bringUp + sum.collect + sum.teardown) / sum.total : null,
  };
}

/**
 * Runs scenarios × repeats with at most `parallel` at once, telling the reporters as it goes.
 * On abort (Ctrl-C) running scenarios collect what they have and tear down; the rest are listed
 * as not run, and the summary says the run was interrupted.
 */
import type Docker from "dockerode";
import type { GatewayKind, Scenario } from "../scenarios/schema.js";
import type { Reporter } from "../reporters/reporter.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import type { RunSummary, ScenarioRunResult } from "./result-types.js";
import type { Diagnoser } from "./diagnoser.js";
import { SlotPicker } from "./slot-picker.js";
import { gatewayOf, resultId, runScenario } from "./run-scenario.js";
import { RunLedger } from "./run-ledger.js";

export interface RunCatalogueOptions {
  scenarios: Scenario[];
  /** Gateways for scenarios that pin none; several = each scenario once per gateway. Default backside. */
  gateways?: readonly GatewayKind[];
  repeats: number;
  parallel: number;
  reportDir: string;
  reporter: Reporter;
  diagnose: Diagnoser;
  docker: Docker;
  registry?: CleanupRegistry;
  signal?: AbortSignal;
  /** Filled as the run goes, for a caller that must report before this returns (a forced exit). */
  ledger?: RunLedger;
  /** Start no further run once one has failed (the runs already going finish; the rest are not run). */
  failFast?: boolean;
  /** Leave the topology of a run that did not match up for a look. */
  keep?: boolean;
}

export interface PlannedRun {
  id: string;
  scenario: Scenario;
  repeat: number;
  gateway: GatewayKind;
  /** Several gateways in this run: ids carry `@<gateway>`. */
  tagGateway: boolean;
}

export function planRuns(
  scenarios: readonly Scenario[],
  repeats: number,
  gateways: readonly GatewayKind[] = ["backside"],
): PlannedRun[] {
  const out: PlannedRun[] = [];
  const tagGateway = gateways.length > 1;
  for (const s of scenarios) {
    // A scenario that pins its gateway runs once, with that one.
    const kinds = [...new Set(gateways.map((g) => gatewayOf(s, g)))];
    for (const gateway of kinds)
      for (let r = 1; r <= repeats; r++)
        out.push({
          id: resultId(s, r, repeats, tagGateway ? gateway : undefined),
          scenario: s,
          repeat: r,
          gateway,
          tagGateway,
        });
  }
  return out;
}

export async function runCatalogue(o: RunCatalogueOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const planned = planRuns(o.scenarios, o.repeats, o.gateways);
  const slots = new SlotPicker(o.docker);
  const ledger = o.ledger ?? new RunLedger();
  const start = {
    startedAt,
    reportDir: o.reportDir,
    planned: planned.map((p) => ({
      id: p.id,
      scenario: p.scenario.name,
      repeat: p.repeat,
      expected: p.scenario.expect,
      gateway: p.gateway,
    })),
    parallel: o.parallel,
    repeats: o.repeats,
  };
  ledger.begin(start);
  await o.reporter.onRunStart?.(start);
  const results = new Map<string, ScenarioRunResult>();
  let next = 0;
  let failed = false;
  const worker = async () => {
    // Bounded: each worker takes at most planned.length items.
    while (next < planned.length && !o.signal?.aborted && !(o.failFast && failed)) {
      const index = next++;
      const p = planned[index];
      await o.reporter.onScenarioStart?.({
        id: p.id,
        scenario: p.scenario.name,
        repeat: p.repeat,
        index: index + 1,
        total: planned.length,
      });
      const r = await runScenario({
        scenario: p.scenario,
        repeat: p.repeat,
        repeats: o.repeats,
        gateway: p.gateway,
        tagGateway: p.tagGateway,
        reportDir: o.reportDir,
        diagnose: o.diagnose,
        slots,
        docker: o.docker,
        registry: o.registry,
        signal: o.signal,
        keep: o.keep,
      });
      if (!r.match && !r.interrupted && r.notApplicable === undefined) failed = true;
      results.set(p.id, r);
      ledger.record(r);
      await o.reporter.onScenarioEnd?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, planned.length)) }, worker));
  const ordered = planned.flatMap((p) => results.get(p.id) ?? []);
  const summary: RunSummary = {
    startedAt,
    finishedAt: new Date().toISOString(),
    wallMs: Date.now() - t0,
    reportDir: o.reportDir,
    results: ordered,
    interrupted: Boolean(o.signal?.aborted),
    notRun: planned.filter((p) => !results.has(p.id)).map((p) => p.id),
    parallel: o.parallel,
    repeats: o.repeats,
  };
  await o.reporter.onRunEnd?.(summary);
  return summary;
}

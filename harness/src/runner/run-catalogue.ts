/**
 * Runs scenarios × repeats with at most `parallel` at once, telling the reporters as it goes.
 * On abort (Ctrl-C) running scenarios collect what they have and tear down; the rest are listed
 * as not run, and the summary says the run was interrupted.
 */
import { join } from "node:path";
import type Docker from "dockerode";
import type { GatewayKind, Scenario } from "../scenarios/schema.js";
import type { Reporter } from "../reporters/reporter.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import type { RunSummary, ScenarioRunResult } from "./result-types.js";
import type { Diagnoser } from "./diagnoser.js";
import { SlotPicker } from "./slot-picker.js";
import { gatewayOf, resultId, runScenario } from "./run-scenario.js";
import { RunLedger } from "./run-ledger.js";
import { TopologyPool } from "./topology-pool.js";
import { ScenarioTopology } from "./scenario-topology.js";
import { gatewayAdapter } from "./gateways/index.js";

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
  /**
   * Reuse topologies between scenarios of the same shape (reset and checked clean) and warm the
   * next one while a scenario runs; default true. False: a new topology per scenario.
   */
  reuse?: boolean;
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
  // A topology kept for a look must never be handed to the next scenario: --keep runs fresh.
  const reuse = (o.reuse ?? true) && !o.keep;
  // Per worker: one run collecting, one running, and the next one's topology made ready.
  const pool = reuse
    ? new TopologyPool({ max: 2 * o.parallel + 1, signal: o.signal, onStopped: (t) => slots.release(t.slot) })
    : undefined;
  const requests = new Map<number, ScenarioTopology>();
  const requestFor = (index: number) => {
    const p = planned[index];
    let r = requests.get(index);
    if (!r) {
      r = new ScenarioTopology({
        scenario: p.scenario,
        gateway: gatewayAdapter(p.gateway, p.scenario),
        slots,
        docker: o.docker,
        registry: o.registry,
        pooled: true,
        bundleDir: join(o.reportDir, p.id),
      });
      requests.set(index, r);
    }
    return r;
  };
  const finishing = new Set<Promise<void>>();
  let next = 0;
  let failed = false;
  const worker = async () => {
    // The run before this worker's current one, still collecting or diagnosing.
    let previous: Promise<void> | undefined;
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
      const request = pool ? requestFor(index) : undefined;
      // While this one runs, the one after it gets its topology (reset or new) in the background,
      // and the few after that get one reset as soon as a topology is given back.
      if (pool && next < planned.length) pool.warm(planned[next].id, requestFor(next));
      if (pool) {
        const later: [string, ScenarioTopology][] = [];
        for (let i = next + 1; i < Math.min(planned.length, next + 1 + o.parallel); i++)
          later.push([planned[i].id, requestFor(i)]);
        pool.upcoming(later);
      }
      let stepsOver!: () => void;
      const over = new Promise<void>((r) => (stepsOver = r));
      const run = runScenario({
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
        pool,
        request,
        onStepsOver: stepsOver,
      });
      const finish = run.then(async (r) => {
        requests.delete(index);
        if (!r.match && !r.interrupted && r.notApplicable === undefined) failed = true;
        results.set(p.id, r);
        ledger.record(r);
        await o.reporter.onScenarioEnd?.(r);
      });
      finishing.add(finish);
      finish.finally(() => finishing.delete(finish)).catch(() => undefined);
      // The next scenario starts once this one's steps are over; its collection and diagnosis go
      // on meanwhile. At most two runs per worker: the one before must have finished. With
      // --fail-fast the verdict decides whether there is a next one, so it is awaited.
      await (o.failFast ? finish : Promise.race([over, finish]));
      await previous;
      previous = finish;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, planned.length)) }, worker));
    await Promise.all([...finishing]);
  } finally {
    await pool?.close();
    // Made for a run that never started (interrupted): their PKIs go too.
    await Promise.all([...requests.values()].map((r) => r.dispose()));
  }
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

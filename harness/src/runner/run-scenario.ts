/**
 * One scenario run, in four timed phases: bring-up (topology, stand-ins, captures, faults),
 * fault+wait (the steps), collect (error report, logs, captures into the bundle), diagnose (the
 * engine on the bundle). Teardown always runs; an interrupted or failed run keeps what it
 * collected and is marked partial.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import type { GatewayKind, Scenario } from "../scenarios/schema.js";
import type { StartedTopology } from "../topology/started-topology.js";
import type { StartedCapture } from "../capture/index.js";
import type { TestPki } from "../tls/index.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import { BacksideError, isBacksideError, oneLine } from "../errors.js";
import type { ScenarioRunResult, PhaseTimings, RequestOutcome } from "./result-types.js";
import { ScenarioTopology } from "./scenario-topology.js";
import type { TopologyPool } from "./topology-pool.js";
import { gatewayAdapter, type GatewayAdapter } from "./gateways/index.js";
import { planGateway } from "./plan-gateway.js";
import { applyTopologyChange } from "./topology-changes.js";
import { runSteps, setFaults, type StepContext } from "./run-steps.js";
import { collectBundle, type Collected } from "./collect-bundle.js";
import { diagnoseBundle, diagnoseEachAlone, flattenEvidence } from "./diagnose-bundle.js";
import type { Diagnoser } from "./diagnoser.js";
import { diagnosisJson } from "../engine/diagnosis-json.js";
import type { SlotPicker } from "./slot-picker.js";
import { keepTopology } from "./keep-topology.js";
import { startScenarioCaptures } from "./scenario-captures.js";

export interface RunScenarioOptions {
  scenario: Scenario;
  repeat: number;
  repeats: number;
  reportDir: string;
  diagnose: Diagnoser;
  slots: SlotPicker;
  /** The gateway for a scenario that pins none (`gateway.kind`); default backside. */
  gateway?: GatewayKind;
  /** Several gateways in one run: the result id (and bundle folder) gets `@<gateway>`. */
  tagGateway?: boolean;
  docker?: Docker;
  registry?: CleanupRegistry;
  /** Aborted on Ctrl-C: the run stops its steps, collects what it can and tears down. */
  signal?: AbortSignal;
  /** `--keep`: a run that did not match leaves its topology up for a look (see keep-topology.ts). */
  keep?: boolean;
  /** Topologies kept between runs: this run's is taken from it and given back (else its own). */
  pool?: TopologyPool;
  /** How this run gets its topology, when made beforehand (the pool may have warmed it). */
  request?: ScenarioTopology;
  /**
   * Called once the steps are over (or the run stopped early): the next run may start while this
   * one collects, tears down and diagnoses.
   */
  onStepsOver?: () => void;
}

/** The gateway a scenario runs with: its own pin, else the run's choice, else the stand-in. */
export function gatewayOf(s: Scenario, chosen: GatewayKind | undefined): GatewayKind {
  if (s.gateway.image) return "custom";
  return s.gateway.kind ?? chosen ?? "backside";
}

export function resultId(s: Scenario, repeat: number, repeats: number, gateway?: GatewayKind): string {
  return `${repeats > 1 ? `${s.name}-${repeat}` : s.name}${gateway ? `@${gateway}` : ""}`;
}

export async function runScenario(o: RunScenarioOptions): Promise<ScenarioRunResult> {
  const s = o.scenario;
  const gateway = gatewayAdapter(gatewayOf(s, o.gateway), s);
  const id = resultId(s, o.repeat, o.repeats, o.tagGateway ? gateway.kind : undefined);
  const bundleDir = join(o.reportDir, id);
  const notApplicable = gateway.notApplicable(s);
  if (notApplicable !== undefined) return notApplicableResult(o, id, gateway, notApplicable);
  const unsupported = gateway.unsupported(s);
  mkdirSync(bundleDir, { recursive: true });
  const stepsLog = join(bundleDir, "steps.log");
  const log = (line: string) => appendFileSync(stepsLog, `${new Date().toISOString()} ${line}\n`);
  log(`gateway ${gateway.kind} (${gateway.title})`);
  if (unsupported.length) log(`gateway ${gateway.kind} cannot honour: ${unsupported.join("; ")}`);
  const t: PhaseTimings = { bringUp: 0, faultWait: 0, collect: 0, diagnose: 0, teardown: 0, total: 0 };
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const request =
    o.request ??
    new ScenarioTopology({ scenario: s, gateway, slots: o.slots, docker: o.docker, registry: o.registry });
  let runId = request.runId;
  const partialReasons: string[] = [];
  const requests: RequestOutcome[] = [];
  let error: { code: string; message: string } | undefined;
  let topo: StartedTopology | undefined;
  let pki: TestPki | undefined;
  const captures: StartedCapture[] = [];
  let collected: Collected = { pcaps: [], other: [], problems: [] };
  let stepsDone = false;
  // With --keep the teardown waits for the verdict, unless something throws past the phases.
  let deferTeardown = false;
  const fail = (e: unknown) => {
    log(`error: ${oneLine(e)}`);
    // Ctrl-C is not a harness failure: the run is reported as interrupted instead.
    if (isBacksideError(e) && e.code === "INTERRUPTED") return;
    error ??= { code: isBacksideError(e) ? e.code : "INTERNAL", message: oneLine(e) };
  };
  let phase = Date.now();
  const lap = (k: Exclude<keyof PhaseTimings, "bringUpSteps">) => {
    t[k] = Date.now() - phase;
    phase = Date.now();
  };
  // Parts of bring-up: `topology` is how long the run waited for its topology; the topology's
  // own phases (`new.*`, `reset.*`) may have run in the background before the run started.
  const steps: Record<string, number> = {};
  let stepMark = Date.now();
  const stepLap = (k: string) => {
    steps[k] = Date.now() - stepMark;
    stepMark = Date.now();
  };
  let reused = false;
  try {
    // --- bring-up
    try {
      if (o.pool) {
        const got = await o.pool.take(id, request);
        topo = got.topo;
        reused = got.reused;
        for (const [k, v] of Object.entries(got.steps)) steps[`${reused ? "reset" : "new"}.${k}`] = v;
        for (const n of got.notes) log(n);
      } else {
        topo = await request.create();
        for (const [k, v] of Object.entries(topo.timings)) steps[`new.${k}`] = v;
      }
      runId = topo.runId;
      pki = await request.pki();
      stepLap("topology");
      log(`run ${runId} slot ${topo.slot}`);
      log(`topology up in slot ${topo.slot}${reused ? " (reused: reset and checked clean)" : ""}`);
      const ctx: StepContext = { topo, scenario: s, gateway, pki, signal: o.signal, requests, log };
      for (const change of s.topology) log(await applyTopologyChange(topo, change));
      // Started while the topology was made ready when the scenario changes none of it.
      const ahead = await request.startedCaptures(topo);
      const started = ahead ?? (await startScenarioCaptures(topo, s, bundleDir));
      captures.push(...started.started);
      if (started.failed) throw started.failed;
      log(`captures started${ahead ? " ahead" : ""}: ${captures.map((c) => c.name).join(", ")}`);
      stepLap("captures");
      await setFaults(ctx, s.firewall.faults);
      // After the faults: a gateway that resolves on its own clock meets them as a request would.
      if (gateway.settle) {
        await gateway.settle(topo.node("gateway"), planGateway(s, topo.slot, pki));
        log(`gateway ${gateway.kind} settled`);
      }
      stepLap("faults");
      lap("bringUp");
      // --- fault + wait
      await withDeadline(runSteps(ctx), s.timeoutSeconds * 1000, `scenario ${s.name} steps`, o.signal);
      stepsDone = true;
      lap("faultWait");
    } catch (e) {
      if (t.bringUp === 0) lap("bringUp");
      else lap("faultWait");
      fail(e);
      partialReasons.push(
        isBacksideError(e) && e.code === "INTERRUPTED" ? "interrupted" : `run stopped early: ${oneLine(e)}`,
      );
    }
    o.onStepsOver?.();
    // --- collect (also after a failure: keep what there is)
    if (topo) {
      collected = await collectBundle(topo, captures, bundleDir, requests, gateway, log);
      partialReasons.push(...collected.problems);
    }
    lap("collect");
    deferTeardown = o.keep === true && topo !== undefined;
  } finally {
    phase = Date.now();
    if (topo && !deferTeardown) {
      try {
        // A run that failed may have left its topology in any state: never handed on.
        if (o.pool) await o.pool.give(topo, !error && !o.signal?.aborted);
        else {
          await topo.stop();
          o.slots.release(topo.slot);
        }
      } catch (e) {
        partialReasons.push(`teardown: ${oneLine(e)}`);
      }
    }
    await request.dispose();
    o.onStepsOver?.();
    lap("teardown");
  }
  // --- diagnose (on the bundle only)
  let result: Pick<
    ScenarioRunResult,
    | "diagnosed"
    | "confidence"
    | "explanation"
    | "evidence"
    | "nextSteps"
    | "alternatives"
    | "capturePoints"
    | "byArtifact"
  > = {
    diagnosed: null,
    confidence: null,
    explanation: "",
    evidence: [],
    nextSteps: [],
    alternatives: [],
    capturePoints: [],
  };
  phase = Date.now();
  // Stopped before the steps ended: the fault may not have shown yet, so a verdict would be a guess.
  const interrupted = !stepsDone && Boolean(o.signal?.aborted);
  if (interrupted) {
    result.explanation = "Interrupted before its steps finished: no diagnosis is claimed.";
    if (!partialReasons.includes("interrupted")) partialReasons.unshift("interrupted");
  } else if (collected.pcaps.length || collected.gatewayLog || collected.errorReport) {
    try {
      const d = await diagnoseBundle(bundleDir, o.diagnose);
      // Paths inside the bundle relative to it, as in verdict.json: the report folder may move.
      const j = diagnosisJson(d, bundleDir);
      result = {
        diagnosed: d.cause,
        confidence: d.confidence,
        explanation: j.explanation,
        evidence: flattenEvidence(d.evidence, bundleDir),
        nextSteps: j.nextSteps,
        alternatives: j.alternatives,
        capturePoints: j.capturePoints.order,
        byArtifact: await diagnoseEachAlone(bundleDir, o.diagnose),
      };
      if (d.partial) partialReasons.push(...engineProblems(d.problems));
    } catch (e) {
      fail(e);
      partialReasons.push(`diagnosis failed: ${oneLine(e)}`);
    }
  } else partialReasons.push("nothing collected to diagnose");
  lap("diagnose");
  const match = !interrupted && result.diagnosed === s.expect;
  const kept = deferTeardown
    ? await keepTopology(topo!, !match && !interrupted, partialReasons, log)
    : undefined;
  // A kept topology keeps its slot (its networks are still up) until `backside clean`.
  if (deferTeardown && !kept) o.slots.release(topo!.slot);
  if (deferTeardown) t.teardown += Date.now() - phase;
  t.total = Date.now() - t0;
  t.bringUpSteps = steps;
  const out: ScenarioRunResult = {
    ...identity(o, id, gateway),
    ...(unsupported.length ? { gatewayUnsupported: unsupported } : {}),
    ...result,
    match,
    interrupted,
    ...(kept ? { kept } : {}),
    partial: partialReasons.length > 0,
    partialReasons,
    ...(error ? { error } : {}),
    timings: t,
    requests,
    bundle: id,
    artifacts: {
      pcaps: collected.pcaps,
      gatewayLog: collected.gatewayLog,
      errorReport: collected.errorReport,
      other: [
        ...collected.other,
        "steps.log",
        ...(existsSync(join(bundleDir, "verdict.json")) ? ["verdict.json"] : []),
      ],
    },
    startedAt,
    runId,
  };
  writeFileSync(join(bundleDir, "result.json"), JSON.stringify(out, null, 2) + "\n");
  return out;
}

/** What every result says of the run it is: which scenario, which repeat, which gateway. */
function identity(o: RunScenarioOptions, id: string, gateway: GatewayAdapter) {
  const s = o.scenario;
  return {
    id,
    scenario: s.name,
    description: s.description,
    repeat: o.repeat,
    repeats: o.repeats,
    expected: s.expect,
    tags: s.tags,
    gateway: gateway.kind,
  };
}

/** A scenario this gateway cannot produce: recorded with the reason, never run. */
function notApplicableResult(
  o: RunScenarioOptions,
  id: string,
  gateway: GatewayAdapter,
  reason: string,
): ScenarioRunResult {
  const s = o.scenario;
  const now = new Date().toISOString();
  const out: ScenarioRunResult = {
    ...identity(o, id, gateway),
    notApplicable: reason,
    interrupted: false,
    alternatives: [],
    capturePoints: [],
    diagnosed: null,
    confidence: null,
    explanation: `not applicable with the ${gateway.kind} gateway: ${reason}`,
    evidence: [],
    nextSteps: [],
    match: false,
    partial: false,
    partialReasons: [],
    timings: { bringUp: 0, faultWait: 0, collect: 0, diagnose: 0, teardown: 0, total: 0 },
    requests: [],
    bundle: id,
    artifacts: { pcaps: [], other: [] },
    startedAt: now,
    runId: "",
  };
  mkdirSync(join(o.reportDir, id), { recursive: true });
  writeFileSync(join(o.reportDir, id, "result.json"), JSON.stringify(out, null, 2) + "\n");
  return out;
}

/** The engine's problems, bounded: the first few verbatim, then a count (all are in verdict.json). */
export function engineProblems(problems: readonly string[], keep = 3): string[] {
  if (problems.length === 0) return ["engine: partial input"];
  const out = problems.slice(0, keep).map((p) => `engine: ${p}`);
  if (problems.length > keep) out.push(`engine: ${problems.length - keep} more problem(s) in verdict.json`);
  return out;
}

/** Bounds the steps by the scenario's timeout and stops them on Ctrl-C. */
async function withDeadline<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BacksideError("TIMEOUT", `${what} took over ${ms / 1000} s (timeoutSeconds)`)),
      ms,
    );
    onAbort = () => reject(new BacksideError("INTERRUPTED", `${what} interrupted`));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([p, guard]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    // The losing promise may still settle later; keep it from becoming an unhandled rejection.
    p.catch(() => undefined);
  }
}

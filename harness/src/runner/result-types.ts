/**
 * What a run produces, as reporters see it. Plain data (JSON-serialisable): report.json is this
 * shape, and reporters never reach back into the runner.
 */
import type { Cause } from "../taxonomy.js";
import type { GatewayKind } from "../scenarios/schema.js";

/** Milliseconds spent in each phase of one scenario run. */
export interface PhaseTimings {
  /** Topology up, stand-ins configured, captures started. */
  bringUp: number;
  /** Faults applied, steps driven (requests, waits), until the last step ended. */
  faultWait: number;
  /** Error report, logs, captures stopped and copied into the bundle. */
  collect: number;
  /** The engine on the bundle's files. */
  diagnose: number;
  /** Containers and networks removed. */
  teardown: number;
  /** Wall time of this scenario run including teardown. */
  total: number;
  /**
   * Where bring-up went, in milliseconds: a new topology's `networks`, `create`, `start`,
   * `ready`, `ruleset` (`images` is the look-up of the images), or a reused one's `reset` (and
   * `waitReset` while its reset still ran in the background); then `captures` and `faults`.
   */
  bringUpSteps?: Record<string, number>;
}

/** A failed run's topology left running (`run --keep`): how to reach it and how to remove it. */
export interface KeptTopology {
  runId: string;
  /** Container name of each node (`docker exec -it NAME sh`). */
  containers: Record<string, string>;
  /** The command that removes it. */
  remove: string;
}

/** One piece of evidence as the engine gave it, flattened for display. */
export interface EvidenceItem {
  text: string;
  /** Where it came from: a capture file and packet, a log line, an error-report part. */
  source?: string;
}

/** One request the client made through the gateway (for context; the verdict never reads it). */
export interface RequestOutcome {
  index: number;
  /** HTTP status the client got, 0 when none. */
  status: number;
  /** curl's exit code (0 ok, 28 timed out, 52 empty reply...). */
  exitCode: number;
  seconds: number;
}

/** One capture point as the engine ordered it along the path (closest to the gateway first). */
export interface CapturePointRow {
  source: string;
  synTtl: number | null;
  sawSyn: boolean;
  sawAnswer: boolean;
}

export type ArtifactKind = "captures" | "log" | "report";

export interface ArtifactVerdict {
  cause: Cause;
  confidence: "high" | "medium" | "low";
}

export interface ScenarioRunResult {
  /** `<scenario>` or `<scenario>-<repeat>` when repeated: the bundle folder name. */
  id: string;
  scenario: string;
  description: string;
  /** 1-based. */
  repeat: number;
  repeats: number;
  expected: Cause;
  /** The scenario file's tags (for filtering reports). */
  tags: string[];
  /** Which gateway ran in the gateway node (runner/gateways/). */
  gateway: GatewayKind;
  /**
   * Why this gateway cannot produce the scenario's failure: the scenario was not run, and counts
   * as neither a match nor a mismatch.
   */
  notApplicable?: string;
  /** Settings of the scenario the gateway could not honour (the run went ahead without them). */
  gatewayUnsupported?: string[];
  /** Null when the engine could not run (see `error`). */
  diagnosed: Cause | null;
  match: boolean;
  /** The engine's confidence: high, medium or low. */
  confidence: "high" | "medium" | "low" | null;
  explanation: string;
  evidence: EvidenceItem[];
  nextSteps: string[];
  /** Other labels the engine weighed, with why (what would tell them apart). */
  alternatives: { cause: Cause; why: string }[];
  /** The capture points in path order, what each saw of the failing connection; empty with one point. */
  capturePoints: CapturePointRow[];
  /**
   * The engine's verdict from each kind of artifact alone (every capture, the gateway log, the
   * error report): which evidence names the cause on its own, for people learning to read it.
   */
  byArtifact?: Partial<Record<ArtifactKind, ArtifactVerdict>>;
  /**
   * Ctrl-C or SIGTERM stopped the run before its steps finished: the fault never fully showed, so
   * no diagnosis is claimed (`diagnosed` is null) and the run counts neither as a match nor as a
   * mismatch. The bundle keeps what was collected.
   */
  interrupted: boolean;
  /** The run or the diagnosis is incomplete (interrupted, a capture missing...); reasons say why. */
  partial: boolean;
  partialReasons: string[];
  /** `run --keep`: the topology of this failed run was left up for a look. */
  kept?: KeptTopology;
  /** A failure of the harness itself (not a mismatch): code from errors.ts and one line. */
  error?: { code: string; message: string };
  timings: PhaseTimings;
  requests: RequestOutcome[];
  /** Bundle folder, relative to the report folder. */
  bundle: string;
  /** Files in the bundle, relative to the bundle folder. */
  artifacts: { pcaps: string[]; gatewayLog?: string; errorReport?: string; other: string[] };
  startedAt: string;
  runId: string;
}

export interface RunStartInfo {
  startedAt: string;
  reportDir: string;
  /** Scenario runs planned, repeats included. */
  planned: { id: string; scenario: string; repeat: number; expected: Cause; gateway?: GatewayKind }[];
  parallel: number;
  repeats: number;
}

export interface RunSummary {
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  reportDir: string;
  results: ScenarioRunResult[];
  /** Ctrl-C or SIGTERM stopped the run: results are what was collected. */
  interrupted: boolean;
  /** Runs planned but never started (interrupted). */
  notRun: string[];
  parallel: number;
  repeats: number;
}

export type ResultStatus = "matched" | "mismatched" | "errored" | "interrupted" | "not-applicable";

/** One word per run, the same in every report: an interrupted or not-applicable run is never a mismatch. */
export function resultStatus(r: ScenarioRunResult): ResultStatus {
  if (r.notApplicable !== undefined) return "not-applicable";
  if (r.match) return "matched";
  if (r.interrupted) return "interrupted";
  if (r.error && r.diagnosed === null) return "errored";
  return "mismatched";
}

export function summaryCounts(
  results: readonly ScenarioRunResult[],
): Record<Exclude<ResultStatus, "not-applicable"> | "notApplicable" | "partial", number> {
  const c = { matched: 0, mismatched: 0, errored: 0, interrupted: 0, notApplicable: 0, partial: 0 };
  for (const r of results) {
    const st = resultStatus(r);
    if (st === "not-applicable") c.notApplicable++;
    else c[st]++;
    if (r.partial && st !== "not-applicable") c.partial++;
  }
  return c;
}

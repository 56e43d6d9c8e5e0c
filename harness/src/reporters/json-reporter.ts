/**
 * report.json: the run's results as data. Rewritten after every scenario, so an interrupted run
 * leaves a file with what finished (marked `complete: false`).
 */
import { join } from "node:path";
import type { Reporter } from "./reporter.js";
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { resultStatus, summaryCounts } from "../runner/result-types.js";
import { writeAtomic } from "./write-atomic.js";
import { projectVersion } from "./project-version.js";

/** report.json's shape; bumped when a key changes meaning or goes away. */
export const REPORT_SCHEMA = "backside.report.v2";

/** Where a report came from when it is one share of a catalogue, or several joined. */
export interface ReportOrigin {
  /** `--shard K/N`: this run is share K of N. */
  shard?: { index: number; total: number };
  /** `backside merge`: the report folders joined into this one. */
  mergedFrom?: readonly string[];
}

export class JsonReporter implements Reporter {
  readonly name = "json";
  private start?: RunStartInfo;
  private readonly results: ScenarioRunResult[] = [];

  constructor(
    private readonly file: (reportDir: string) => string = (d) => join(d, "report.json"),
    private readonly origin: ReportOrigin = {},
  ) {}

  onRunStart(info: RunStartInfo): void {
    this.start = info;
    this.write(undefined);
  }

  onScenarioEnd(r: ScenarioRunResult): void {
    this.results.push(r);
    this.write(undefined);
  }

  onRunEnd(s: RunSummary): void {
    this.write(s);
  }

  private write(end: RunSummary | undefined): void {
    const reportDir = end?.reportDir ?? this.start?.reportDir;
    if (!reportDir) return;
    const results = end?.results ?? this.results;
    const doc = {
      schema: REPORT_SCHEMA,
      version: projectVersion(),
      complete: Boolean(end) && !end?.interrupted,
      interrupted: end?.interrupted ?? false,
      startedAt: end?.startedAt ?? this.start?.startedAt,
      finishedAt: end?.finishedAt ?? null,
      wallMs: end?.wallMs ?? null,
      parallel: end?.parallel ?? this.start?.parallel,
      repeats: end?.repeats ?? this.start?.repeats,
      shard: this.origin.shard ?? null,
      mergedFrom: this.origin.mergedFrom ?? [],
      counts: summaryCounts(results),
      notRun: end?.notRun ?? [],
      results: results.map((r) => ({
        id: r.id,
        scenario: r.scenario,
        repeat: r.repeat,
        tags: r.tags,
        expected: r.expected,
        gateway: r.gateway,
        notApplicable: r.notApplicable ?? null,
        gatewayUnsupported: r.gatewayUnsupported ?? [],
        diagnosed: r.diagnosed,
        match: r.match,
        status: resultStatus(r),
        interrupted: r.interrupted,
        confidence: r.confidence,
        partial: r.partial,
        partialReasons: r.partialReasons,
        error: r.error ?? null,
        kept: r.kept ?? null,
        timings: r.timings,
        explanation: r.explanation,
        evidence: r.evidence,
        nextSteps: r.nextSteps,
        alternatives: r.alternatives,
        capturePoints: r.capturePoints,
        byArtifact: r.byArtifact ?? {},
        requests: r.requests,
        bundle: r.bundle,
        artifacts: r.artifacts,
        startedAt: r.startedAt,
        runId: r.runId,
      })),
    };
    writeAtomic(this.file(reportDir), JSON.stringify(doc, null, 2) + "\n");
  }
}

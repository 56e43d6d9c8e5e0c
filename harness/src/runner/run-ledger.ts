/**
 * What a catalogue run has planned and finished so far. The runner fills it as scenarios end; the
 * CLI reads it when a second Ctrl-C (or a hung stop) ends the process before the runner returns,
 * so the reports still say the run was interrupted and list every run that did not finish.
 */
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "./result-types.js";

export class RunLedger {
  private start?: RunStartInfo;
  private readonly t0 = Date.now();
  private readonly results = new Map<string, ScenarioRunResult>();

  begin(info: RunStartInfo): void {
    this.start = info;
  }

  record(r: ScenarioRunResult): void {
    this.results.set(r.id, r);
  }

  /** Null before the run started (nothing planned yet, nothing to report). */
  summary(interrupted: boolean): RunSummary | null {
    const s = this.start;
    if (!s) return null;
    const planned = s.planned.map((p) => p.id);
    return {
      startedAt: s.startedAt,
      finishedAt: new Date().toISOString(),
      wallMs: Date.now() - Math.min(this.t0, Date.parse(s.startedAt) || this.t0),
      reportDir: s.reportDir,
      results: planned.flatMap((id) => this.results.get(id) ?? []),
      interrupted,
      notRun: planned.filter((id) => !this.results.has(id)),
      parallel: s.parallel,
      repeats: s.repeats,
    };
  }
}

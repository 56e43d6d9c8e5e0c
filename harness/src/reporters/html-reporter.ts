/**
 * index.html: the self-contained page. Sections are rendered as scenarios end and the page is
 * rewritten each time, so an interrupted run still leaves a readable (partial) page.
 */
import { join } from "node:path";
import type { Reporter } from "./reporter.js";
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { renderPage } from "./html-page.js";
import { renderSection, type AnalyzeFn } from "./html-section.js";
import { writeAtomic } from "./write-atomic.js";

export class HtmlReporter implements Reporter {
  readonly name = "html";
  private start?: RunStartInfo;
  private readonly results: ScenarioRunResult[] = [];
  private readonly sections = new Map<string, string>();

  /** `analyze` reads captures for the ladder diagram (flows' analyzeCapture in the CLI). */
  constructor(private readonly analyze?: AnalyzeFn) {}

  onRunStart(info: RunStartInfo): void {
    this.start = info;
  }

  async onScenarioEnd(r: ScenarioRunResult): Promise<void> {
    if (!this.start) return;
    this.results.push(r);
    this.sections.set(r.id, await renderSection(r, this.start.reportDir, this.analyze));
    const wallMs = Date.now() - Date.parse(this.start.startedAt);
    const s: RunSummary = {
      startedAt: this.start.startedAt,
      finishedAt: "",
      wallMs,
      reportDir: this.start.reportDir,
      results: this.results,
      interrupted: false,
      notRun: [],
      parallel: this.start.parallel,
      repeats: this.start.repeats,
    };
    writeAtomic(join(this.start.reportDir, "index.html"), renderPage(s, this.sections, false));
  }

  async onRunEnd(s: RunSummary): Promise<void> {
    for (const r of s.results)
      if (!this.sections.has(r.id))
        this.sections.set(r.id, await renderSection(r, s.reportDir, this.analyze));
    writeAtomic(join(s.reportDir, "index.html"), renderPage(s, this.sections, !s.interrupted));
  }
}

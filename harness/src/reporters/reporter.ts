/**
 * One interface for every reporter (after Playwright's reporters): optional hooks, called in
 * order by the multiplexer. A hook may be async; the runner awaits it.
 */
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "../runner/result-types.js";

export interface ScenarioStartInfo {
  id: string;
  scenario: string;
  repeat: number;
  /** 1-based position among planned runs. */
  index: number;
  total: number;
}

export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  onScenarioStart?(info: ScenarioStartInfo): void | Promise<void>;
  onScenarioEnd?(result: ScenarioRunResult): void | Promise<void>;
  onRunEnd?(summary: RunSummary): void | Promise<void>;
}

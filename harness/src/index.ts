/**
 * backside as a library (`import { runScenario, diagnose, loadScenario } from "backside"`): run a
 * scenario end to end, diagnose artifacts from anywhere, read scenario files. Everything else is
 * internal and may change.
 */
export {
  runScenario,
  resolveScenario,
  type RunScenarioOptions,
  type ScenarioRun,
} from "./api/run-scenario.js";
export { diagnose, formatDiagnosisText } from "./engine/index.js";
export type { Diagnosis, DiagnoseInput, Evidence, Alternative, Confidence } from "./engine/index.js";
export {
  loadScenario,
  parseScenario,
  loadCatalogue,
  readCatalogue,
  type Scenario,
  type Catalogue,
  type BrokenScenario,
} from "./scenarios/index.js";
export type { ScenarioRunResult, RunSummary } from "./runner/index.js";
export type { Reporter } from "./reporters/index.js";
export { ConsoleReporter, JsonReporter, JUnitReporter, HtmlReporter } from "./reporters/index.js";
export { BacksideError, ErrorCodes, isBacksideError, type ErrorCode } from "./errors.js";
export { CAUSES, CAUSE_TITLES, isCause, type Cause } from "./taxonomy.js";

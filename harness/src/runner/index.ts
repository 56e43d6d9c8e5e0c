export * from "./result-types.js";
export { runScenario, type RunScenarioOptions } from "./run-scenario.js";
export { runCatalogue, planRuns, type RunCatalogueOptions, type PlannedRun } from "./run-catalogue.js";
export { makeReportDir, linkLatest, timestampName, DEFAULT_REPORTS_ROOT } from "./report-dir.js";
export type { Diagnoser } from "./diagnoser.js";
export { bundleInput, diagnoseBundle, flattenEvidence } from "./diagnose-bundle.js";
export { RunLedger } from "./run-ledger.js";

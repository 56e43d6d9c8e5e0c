export * from "./schema.js";
export * from "./address-ref.js";
export { loadScenario, parseScenario, displayPath } from "./load-scenario.js";
export {
  loadCatalogue,
  readCatalogue,
  selectScenarios,
  scenariosToRun,
  brokenError,
  DEFAULT_SCENARIO_DIR,
  defaultScenarioDir,
  type Catalogue,
  type BrokenScenario,
} from "./load-catalogue.js";
export { MAX_SCENARIO_BYTES } from "./load-scenario.js";
export { uncovered, FAULT_ACTIONS, type Uncovered } from "./catalogue-coverage.js";
export { checkScenario, requestLimitSeconds, estimateSeconds, NODE_SEGMENTS } from "./check-scenario.js";

export * from "./schema.js";
export * from "./address-ref.js";
export { loadScenario, parseScenario, displayPath } from "./load-scenario.js";
export { loadCatalogue, selectScenarios, DEFAULT_SCENARIO_DIR } from "./load-catalogue.js";
export { uncovered, FAULT_ACTIONS, type Uncovered } from "./catalogue-coverage.js";
export { checkScenario, requestLimitSeconds, estimateSeconds, NODE_SEGMENTS } from "./check-scenario.js";

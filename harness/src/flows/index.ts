/** Public surface of the flow analysis. */
export * from "./types.js";
export { analyzeCapture } from "./analyze.js";
export { FlowAnalyzer } from "./analyzer.js";
export { formatFlowSummary } from "./format-text.js";

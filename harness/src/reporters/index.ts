export type { Reporter, ScenarioStartInfo } from "./reporter.js";
export { ReporterMultiplexer } from "./multiplexer.js";
export { ConsoleReporter } from "./console-reporter.js";
export { JsonReporter } from "./json-reporter.js";
export { JUnitReporter, renderJUnit } from "./junit-reporter.js";
export { HtmlReporter } from "./html-reporter.js";
export type { AnalyzeFn } from "./html-section.js";

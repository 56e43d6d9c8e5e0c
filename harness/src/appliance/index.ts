/** The appliance's own formats: shared by the gateway stand-in (writer) and the engine (reader). */
export * from "./types.js";
export * from "./event-catalog.js";
export * from "./log-line.js";
export * from "./log-reader.js";
export * from "./line-splitter.js";
export * from "./error-report.js";
export * from "./read-error-report.js";
export * from "./running-config.js";

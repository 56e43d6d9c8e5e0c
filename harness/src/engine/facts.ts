/** Everything the rules see: the backend, per-capture facts, log facts and the error report. */
import type { ErrorReport } from "../appliance/index.js";
import type { BackendTarget } from "./backend-target.js";
import type { CaptureFacts } from "./capture-evidence.js";
import type { ConnGroup } from "./conn-groups.js";
import type { LogFact } from "./log-evidence.js";

export interface Facts {
  backend: BackendTarget;
  captures: CaptureFacts[];
  groups: ConnGroup[];
  log: LogFact[];
  /** Log files read (the report's default-log counts as one). */
  logSources: string[];
  report?: { source: string; report: ErrorReport };
}

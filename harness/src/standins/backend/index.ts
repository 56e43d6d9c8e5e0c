export { Backend, BackendTls } from "./backend.js";
export {
  startBackend,
  type StartedBackend,
  type BackendState,
  type BackendAddresses,
} from "./backend-server.js";
export { backendControlRoutes } from "./backend-control.js";
export {
  BackendConfigSchema,
  BackendModeSchema,
  BackendTlsSchema,
  type BackendConfig,
  type BackendConfigInput,
  type BackendMode,
  type BackendModeInput,
  type BackendModeKind,
  type TlsSettings,
  type TlsSettingsInput,
} from "./config.js";
export { listenCounters, parseNetstat, readListenCounters, type ListenCounters } from "./net-counters.js";
export type { BackendEvent } from "./event-log.js";

export {
  startControlServer,
  matchPath,
  type ControlRoute,
  type ControlHandler,
  type ControlReply,
  type StartedControlServer,
} from "./control-server.js";
export { jsonLogger, silentLogger, type JsonLogger, type LogSink } from "./json-log.js";
export { loadConfig, parseConfig } from "./load-config.js";

/** The gateway stand-in's public surface (for tests and the harness). */
export { startGateway, type StartedGateway, type ConnectionTestResult } from "./gateway.js";
export {
  GatewayConfigSchema,
  parseGatewayConfig,
  loadGatewayConfig,
  type GatewayConfig,
  type GatewayConfigInput,
} from "./config.js";
export { FAULT_BODY, type FailureRecord } from "./mpgw-service.js";
export { Resolver, ResolveError, type ResolveFailure } from "./resolver.js";

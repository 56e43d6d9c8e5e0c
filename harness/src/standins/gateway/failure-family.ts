/**
 * The error-level log lines of one backside failure, by cause (the table "Failure families" in
 * images/gateway/README.md): the cause's own line(s), then the appliance's public lines —
 * 0x80e00126 for a failed connect, 0x80e00127 for TLS, the "Backside header" line for no
 * response — and always 0x01130006 last, the line operators search for.
 */
import type { BackendFailure } from "./backend-connector.js";
import { connectTimeoutMs, type GatewayConfig } from "./config.js";
import type { GatewayLogger, LogContext } from "./gateway-logger.js";

export function logFailureFamily(
  logger: GatewayLogger,
  f: BackendFailure,
  ctx: LogContext,
  url: string,
  cfg: GatewayConfig,
): void {
  const i = f.info;
  const at = { address: i.address, port: i.port };
  const log = (
    n: Parameters<GatewayLogger["event"]>[0],
    p: Record<string, string | number | undefined> = {},
  ) => logger.event(n, p, ctx);
  switch (f.kind) {
    case "dns":
      log("dnsCallbackFailed", { host: i.host });
      log("dnsResolveFailed", { host: i.host, reason: i.dnsReason });
      log("connectServerFailed", { url });
      break;
    case "refused":
      log("connectRefused", at);
      break;
    case "host-unreachable":
      log("hostUnreachable", { ...at, errno: i.errno });
      break;
    case "net-unreachable":
      log("netUnreachable", { ...at, errno: i.errno });
      break;
    case "connect-timeout":
      log("connectTimedOut", { ...at, ms: connectTimeoutMs(cfg), errno: i.errno });
      break;
    case "tls":
      log("backNetworkError");
      break;
    case "no-response":
      log("backendNoResponse", { ...at, seconds: cfg.service.backTimeout });
      log("backsideHeaderFailed");
      break;
    case "reset":
      log("connectionReset", { ...at, sent: i.sent, received: i.received });
      break;
    case "closed":
      log("backendClosed", { ...at, sent: i.sent });
      break;
    case "connect-error":
      break;
  }
  if (
    ["refused", "host-unreachable", "net-unreachable", "connect-timeout", "connect-error"].includes(f.kind)
  ) {
    log("connectionError", { errno: i.errno, url });
    log("backsideInvalid", { url });
  }
  log("backsideFailed");
}

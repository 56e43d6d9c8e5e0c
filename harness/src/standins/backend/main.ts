/**
 * Container entry of the backend stand-in (bundled to /opt/backside/backend.mjs): HTTP 80,
 * HTTPS 443 (when `tls` is given), control API on 127.0.0.1:9000; stops cleanly on SIGTERM/SIGINT.
 */
import { oneLine } from "../../errors.js";
import { startControlServer } from "../control/control-server.js";
import { jsonLogger } from "../control/json-log.js";
import { loadConfig } from "../control/load-config.js";
import { backendControlRoutes } from "./backend-control.js";
import { startBackend } from "./backend-server.js";
import { BackendConfigSchema } from "./config.js";

async function main(): Promise<void> {
  const log = jsonLogger("backend");
  const config = loadConfig("backend", BackendConfigSchema);
  // The HTTPS listener needs a certificate; without one the backend serves HTTP only.
  const backend = await startBackend(config.tls ? config : { ...config, https: false }, log);
  const control =
    config.control === false
      ? undefined
      : await startControlServer({ ...config.control, routes: backendControlRoutes(backend) });
  if (control) log("control-listening", { ...control.address });
  const stop = async (signal: string) => {
    log("stopping", { signal });
    await Promise.all([backend.close(), control?.close()]);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((e: unknown) => {
  process.stderr.write(`backend: ${oneLine(e)}\n`);
  process.exit(
    typeof (e as { exitCode?: unknown }).exitCode === "number" ? (e as { exitCode: number }).exitCode : 70,
  );
});

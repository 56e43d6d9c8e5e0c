/**
 * Container entry of the backend stand-in (bundled to /opt/backside/backend.mjs): HTTP 80,
 * HTTPS 443 (when `tls` is given), control API on 127.0.0.1:9000; stops cleanly when asked.
 * Runs under the stand-in host (control/standin-host.ts), which resets it in place.
 */
import { startControlServer } from "../control/control-server.js";
import { jsonLogger } from "../control/json-log.js";
import { loadConfig } from "../control/load-config.js";
import { runStandin } from "../control/standin-host.js";
import { backendControlRoutes } from "./backend-control.js";
import { startBackend } from "./backend-server.js";
import { BackendConfigSchema } from "./config.js";

runStandin(import.meta.url, "backend", async () => {
  const log = jsonLogger("backend");
  const config = loadConfig("backend", BackendConfigSchema);
  // The HTTPS listener needs a certificate; without one the backend serves HTTP only.
  const backend = await startBackend(config.tls ? config : { ...config, https: false }, log);
  const control =
    config.control === false
      ? undefined
      : await startControlServer({ ...config.control, routes: backendControlRoutes(backend) });
  if (control) log("control-listening", { ...control.address });
  return async () => {
    log("stopping", {});
    await Promise.all([backend.close(), control?.close()]);
  };
});

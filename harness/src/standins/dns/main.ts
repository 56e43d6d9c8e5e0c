/**
 * Container entry of the DNS stand-in (bundled to /opt/backside/dns.mjs). Reads its config,
 * serves UDP+TCP 53 and the control API on 127.0.0.1:9000, and stops cleanly when asked. Runs
 * under the stand-in host (control/standin-host.ts), which resets it in place.
 */
import { startControlServer } from "../control/control-server.js";
import { jsonLogger } from "../control/json-log.js";
import { loadConfig } from "../control/load-config.js";
import { runStandin } from "../control/standin-host.js";
import { DnsConfigSchema } from "./config.js";
import { dnsControlRoutes } from "./dns-control.js";
import { startDnsServer } from "./dns-server.js";

runStandin(import.meta.url, "dns", async () => {
  const log = jsonLogger("dns");
  const config = loadConfig("dns", DnsConfigSchema);
  const server = await startDnsServer(config, log);
  const control =
    config.control === false
      ? undefined
      : await startControlServer({ ...config.control, routes: dnsControlRoutes(server, log) });
  if (control) log("control-listening", { ...control.address });
  return async () => {
    log("stopping", {});
    await Promise.all([server.close(), control?.close()]);
  };
});

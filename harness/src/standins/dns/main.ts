/**
 * Container entry of the DNS stand-in (bundled to /opt/backside/dns.mjs). Reads its config,
 * serves UDP+TCP 53 and the control API on 127.0.0.1:9000, and stops cleanly on SIGTERM/SIGINT.
 */
import { oneLine } from "../../errors.js";
import { startControlServer } from "../control/control-server.js";
import { jsonLogger } from "../control/json-log.js";
import { loadConfig } from "../control/load-config.js";
import { DnsConfigSchema } from "./config.js";
import { dnsControlRoutes } from "./dns-control.js";
import { startDnsServer } from "./dns-server.js";

async function main(): Promise<void> {
  const log = jsonLogger("dns");
  const config = loadConfig("dns", DnsConfigSchema);
  const server = await startDnsServer(config, log);
  const control =
    config.control === false
      ? undefined
      : await startControlServer({ ...config.control, routes: dnsControlRoutes(server, log) });
  if (control) log("control-listening", { ...control.address });
  const stop = async (signal: string) => {
    log("stopping", { signal });
    await Promise.all([server.close(), control?.close()]);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((e: unknown) => {
  process.stderr.write(`dns: ${oneLine(e)}\n`);
  process.exit(
    typeof (e as { exitCode?: unknown }).exitCode === "number" ? (e as { exitCode: number }).exitCode : 70,
  );
});

/**
 * Entry of the gateway container (bundled to /opt/backside/gateway.mjs): read the start
 * configuration, start, and stop cleanly when asked. Runs under the stand-in host
 * (control/standin-host.ts), which resets it in place for a reused topology. A bad config exits
 * 3 with the field named; anything else unexpected exits 70.
 */
import { runStandin } from "../control/standin-host.js";
import { loadGatewayConfig } from "./config.js";
import { startGateway } from "./gateway.js";

runStandin(import.meta.url, "gateway", async () => {
  const gw = await startGateway(loadGatewayConfig());
  process.stderr.write(
    `gateway ${gw.config().service.name}: front ${gw.frontUrl}, mgmt ${gw.mgmtUrl ?? "off"}\n`,
  );
  return async () => {
    process.stderr.write("gateway: stopping\n");
    await gw.stop();
  };
});

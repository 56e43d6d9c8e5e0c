/**
 * Entry of the gateway container (bundled to /opt/backside/gateway.mjs): read the start
 * configuration, start, and stop cleanly on SIGTERM/SIGINT. A bad config exits 3 with the
 * field named; anything else unexpected exits 70.
 */
import { isBacksideError, oneLine } from "../../errors.js";
import { loadGatewayConfig } from "./config.js";
import { startGateway } from "./gateway.js";

async function main(): Promise<void> {
  const gw = await startGateway(loadGatewayConfig());
  process.stderr.write(
    `gateway ${gw.config().service.name}: front ${gw.frontUrl}, mgmt ${gw.mgmtUrl ?? "off"}\n`,
  );
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`gateway: ${sig}, stopping\n`);
    // Bounded: exit even if a socket refuses to close.
    setTimeout(() => process.exit(0), 5000).unref();
    gw.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  process.stderr.write(`gateway: ${oneLine(e)}\n`);
  process.exit(isBacksideError(e) ? e.exitCode : 70);
});

/** HAProxy (Debian's package) as the gateway: images/haproxy, configuration from haproxy-config.ts. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { oneLine } from "../../errors.js";
import { imageRef } from "../../images/catalog.js";
import type { Scenario } from "../../scenarios/schema.js";
import type { StartedNode } from "../../topology/started-node.js";
import type { GatewayAdapter, GatewayArtifacts } from "./gateway-adapter.js";
import type { GatewayPlan } from "./gateway-plan.js";
import { HAPROXY_CA, HAPROXY_CFG, renderHaproxyCfg } from "./haproxy-config.js";
import { haproxyReady, haproxySettle } from "./haproxy-ready.js";
import { commonUnsupported, movesBackendName } from "./scenario-traits.js";

export const haproxyGateway: GatewayAdapter = {
  kind: "haproxy",
  title: "HAProxy 2.6 (Debian bookworm)",
  notApplicable(s: Scenario) {
    if (movesBackendName(s))
      return "HAProxy re-resolves its servers every second (timeout resolve) whatever the TTL, so it never keeps a stale address";
    return undefined;
  },
  unsupported(s: Scenario) {
    const out = commonUnsupported(s);
    const d = s.gateway.dns;
    if (d.servers.length > 1 && d.loadBalance === "first-alive")
      out.push("dns.loadBalance first-alive (HAProxy asks all its name servers at once)");
    return out;
  },
  node(p: GatewayPlan) {
    return {
      image: imageRef("haproxy"),
      cmd: ["haproxy", "-db", "-f", HAPROXY_CFG],
      files: [
        { path: HAPROXY_CFG, content: renderHaproxyCfg(p) },
        ...(p.tls.caPem ? [{ path: HAPROXY_CA, content: p.tls.caPem }] : []),
      ],
      ready: haproxyReady(p),
    };
  },
  settle: haproxySettle,
  async collect(node: StartedNode, bundleDir: string): Promise<GatewayArtifacts> {
    const out: GatewayArtifacts = { moreLogs: [], other: [], problems: [] };
    try {
      // `log stdout`: the log is the container's output (HAProxy's own warnings go to stderr).
      const { stdout } = await node.logs();
      await writeFile(join(bundleDir, "gateway.log"), stdout);
      out.gatewayLog = "gateway.log";
    } catch (e) {
      out.problems.push(`gateway log: ${oneLine(e)}`);
    }
    return out;
  },
};

/** nginx (Debian's package) as the gateway: images/nginx, configuration from nginx-config.ts. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { oneLine } from "../../errors.js";
import { imageRef } from "../../images/catalog.js";
import type { Scenario } from "../../scenarios/schema.js";
import { listeningProbe } from "../../topology/default-nodes.js";
import type { StartedNode } from "../../topology/started-node.js";
import type { GatewayAdapter, GatewayArtifacts } from "./gateway-adapter.js";
import type { GatewayPlan } from "./gateway-plan.js";
import {
  NGINX_ACCESS_LOG,
  NGINX_CA,
  NGINX_CONF,
  NGINX_ERROR_LOG,
  NGINX_RESEND_SECONDS,
  renderNginxConf,
} from "./nginx-config.js";
import { commonUnsupported, restartsBackendOnPersistent } from "./scenario-traits.js";

export const nginxGateway: GatewayAdapter = {
  kind: "nginx",
  title: "nginx 1.22 (Debian bookworm)",
  notApplicable(s: Scenario) {
    if (restartsBackendOnPersistent(s))
      return "nginx keeps no upstream connection for a backend it resolves per request (a name in proxy_pass), so there is no stale persistent connection to fail on";
    return undefined;
  },
  unsupported(s: Scenario) {
    const out = commonUnsupported(s);
    const d = s.gateway.dns;
    if (d.servers.length > 1 && d.loadBalance === "first-alive")
      out.push("dns.loadBalance first-alive (nginx's resolver takes its servers in turn)");
    if (d.servers.length > 0 && d.timeoutSeconds !== NGINX_RESEND_SECONDS)
      out.push(`dns.timeoutSeconds (nginx asks again after a fixed ${NGINX_RESEND_SECONDS} s)`);
    if (s.gateway.persistentConnections && s.gateway.backend.host.includes(".") && !isStatic(s))
      out.push(
        "persistentConnections with a backend name (nginx 1.22 keeps upstream connections only for a fixed address)",
      );
    return out;
  },
  node(p: GatewayPlan) {
    return {
      image: imageRef("nginx"),
      cmd: ["nginx", "-c", NGINX_CONF, "-g", "daemon off;"],
      files: [
        { path: NGINX_CONF, content: renderNginxConf(p) },
        ...(p.tls.caPem ? [{ path: NGINX_CA, content: p.tls.caPem }] : []),
      ],
      ready: listeningProbe(p.frontPort),
    };
  },
  async collect(node: StartedNode, bundleDir: string): Promise<GatewayArtifacts> {
    const out: GatewayArtifacts = { moreLogs: [], other: [], problems: [] };
    const copy = async (from: string, to: string) => {
      try {
        await writeFile(join(bundleDir, to), await node.copyFileOut(from));
        return to;
      } catch (e) {
        out.problems.push(`gateway log ${from}: ${oneLine(e)}`);
        return undefined;
      }
    };
    out.gatewayLog = await copy(NGINX_ERROR_LOG, "gateway.log");
    const access = await copy(NGINX_ACCESS_LOG, "gateway-access.log");
    if (access) out.moreLogs.push(access);
    return out;
  },
};

function isStatic(s: Scenario): boolean {
  return s.gateway.dns.staticHosts.some((h) => h.hostname === s.gateway.backend.host);
}

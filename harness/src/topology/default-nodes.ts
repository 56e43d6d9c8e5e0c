/**
 * What each role image needs to be useful out of the box (`backside up`, docker-compose.yml):
 * the gateway's service pointing at the backend and resolving through the dns node, and
 * readiness probes on the stand-ins' listening sockets. Scenarios pass their own instead.
 */
import type { NodeName, TopologyPlan } from "./plan.js";
import type { NodeOptions, ReadinessProbe } from "./topology.js";

/** Some socket listens on the port (IPv4 or IPv6 wildcard alike); `ss` is in the base image. */
export function listeningProbe(port: number, proto: "tcp" | "udp" = "tcp"): ReadinessProbe {
  return { cmd: ["sh", "-c", `ss -Hl${proto === "tcp" ? "t" : "u"}n 'sport = :${port}' | grep -q .`] };
}

export function defaultGatewayConfig(plan: TopologyPlan): Record<string, unknown> {
  return {
    service: { backendUrl: `http://${plan.nodes.backend.addresses.back}:80/` },
    dns: { servers: [{ address: plan.dnsServer }] },
  };
}

export const defaultNodeOptions: Partial<Record<NodeName, NodeOptions>> = {
  gateway: { config: defaultGatewayConfig, ready: listeningProbe(8080) },
  backend: { ready: listeningProbe(80) },
  dns: { ready: listeningProbe(53, "udp") },
};

/**
 * A scenario's topology with its stand-ins configured and ready (no captures, no faults yet):
 * shared by a scenario run and a live lab, which names its topology neutrally so nothing on the
 * engine (container names, labels) says which scenario it is.
 */
import type Docker from "dockerode";
import type { Scenario } from "../scenarios/schema.js";
import { startTopology } from "../topology/index.js";
import type { StartedTopology } from "../topology/started-topology.js";
import type { NodeOptions } from "../topology/topology.js";
import type { NodeName } from "../topology/plan.js";
import type { TestPki } from "../tls/index.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import { backendConfig, dnsConfig } from "./standin-configs.js";
import { controlProbe } from "./control-api.js";
import { backsideGateway } from "./gateways/backside-gateway.js";
import type { GatewayAdapter } from "./gateways/gateway-adapter.js";
import { planGateway } from "./plan-gateway.js";

export interface BringUpOptions {
  scenario: Scenario;
  runId: string;
  slot: number;
  pki?: TestPki;
  docker?: Docker;
  registry?: CleanupRegistry;
  /** The topology's name (label `backside.topology`). */
  name: string;
  labels?: Record<string, string>;
  /** What runs as the gateway (runner/gateways/); the appliance stand-in by default. */
  gateway?: GatewayAdapter;
}

/** The stand-in nodes' options for a scenario in a slot (their configurations hold its addresses). */
export function scenarioNodes(
  s: Scenario,
  slot: number,
  pki: TestPki | undefined,
  gateway: GatewayAdapter = backsideGateway,
): Partial<Record<NodeName, NodeOptions>> {
  return {
    gateway: gateway.node(planGateway(s, slot, pki)),
    backend: { config: backendConfig(s, pki), ready: controlProbe("/state") },
    dns: { config: dnsConfig(s, slot), ready: controlProbe("/zone") },
  };
}

export function bringUpScenario(o: BringUpOptions): Promise<StartedTopology> {
  return startTopology({
    runId: o.runId,
    slot: o.slot,
    name: o.name,
    docker: o.docker,
    registry: o.registry,
    labels: o.labels ?? {},
    readyTimeoutMs: 60_000,
    nodes: scenarioNodes(o.scenario, o.slot, o.pki, o.gateway),
  });
}

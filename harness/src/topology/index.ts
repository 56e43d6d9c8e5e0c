export * from "./plan.js";
export { LABEL, PROJECT, labelFilter, resourceName } from "./labels.js";
export {
  Topology,
  resolvePlanValue,
  type NodeOptions,
  type TopologyOptions,
  type ReadinessProbe,
  type PlanValue,
} from "./topology.js";
export { StartedTopology } from "./started-topology.js";
export { StartedNode, type NodeContext } from "./started-node.js";
export type { ExecOptions, ExecResult } from "./docker-exec.js";
export type { FileSpec } from "./archive.js";
export { renderBaseRuleset, BASE_TABLE } from "./base-ruleset.js";
export { defaultNodeOptions, defaultGatewayConfig, listeningProbe } from "./default-nodes.js";
export { sweep, type SweepOptions, type SweepResult } from "./sweep.js";

import { Topology, type NodeOptions, type TopologyOptions } from "./topology.js";
import type { NodeName } from "./plan.js";
import type { StartedTopology } from "./started-topology.js";

/** One-call bring-up: `await startTopology({ nodes: { backend: { config } } })`. */
export function startTopology(
  opts: TopologyOptions & { nodes?: Partial<Record<NodeName, NodeOptions>> } = {},
): Promise<StartedTopology> {
  const t = new Topology(opts);
  for (const [name, o] of Object.entries(opts.nodes ?? {})) if (o) t.withNode(name as NodeName, o);
  return t.start();
}

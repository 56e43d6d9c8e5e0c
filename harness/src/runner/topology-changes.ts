/** Applies a scenario's topology changes to a started topology. */
import type { TopologyChange } from "../scenarios/schema.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { resolveAddress } from "./resolve-address.js";

export async function applyTopologyChange(topo: StartedTopology, change: TopologyChange): Promise<string> {
  switch (change.kind) {
    case "disconnect":
      await topo.disconnect(change.node, change.segment);
      return `disconnected ${change.node} from ${change.segment}`;
    case "move": {
      const from = topo.node(change.node).address(change.segment);
      const to = resolveAddress(topo.slot, change.address);
      await topo.move(change.node, change.segment, to);
      return `moved ${change.node} on ${change.segment} from ${from} to ${to}`;
    }
    case "route": {
      const node = topo.node(change.node);
      const dest = resolveAddress(topo.slot, change.destination);
      const dev = await node.interfaceOn(change.dev);
      const args = ["ip", "route", "replace", `${dest}/32`, "dev", dev];
      if (change.via) args.push("via", resolveAddress(topo.slot, change.via));
      await node.execOk(args, { timeoutMs: 10_000 });
      return `route on ${change.node}: ${args.slice(3).join(" ")}`;
    }
  }
}

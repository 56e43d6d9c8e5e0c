import type Docker from "dockerode";
import { BacksideError } from "../errors.js";
import type { CleanupRegistry, Stoppable } from "../util/cleanup-registry.js";
import { pollUntil, withTimeout } from "../util/poll-until.js";
import { NODES, type NodeName, type SegmentName, type TopologyPlan } from "./plan.js";
import type { StartedNode } from "./started-node.js";

export interface TopologyResources {
  docker: Docker;
  runId: string;
  name: string;
  plan: TopologyPlan;
  networks: Partial<Record<SegmentName, Docker.Network>>;
  networkNames: Partial<Record<SegmentName, string>>;
  containers: Docker.Container[];
  registry?: CleanupRegistry;
}

/**
 * Removes containers (force: kill + remove in one call) and then networks. Used by stop() and
 * by a bring-up that fails halfway. Network removal retries briefly: Docker may still be
 * releasing an endpoint of a container it just removed.
 */
export async function removeResources(r: Pick<TopologyResources, "containers" | "networks">): Promise<void> {
  const errors: unknown[] = [];
  const rm = await Promise.allSettled(
    r.containers.map((c) =>
      c.remove({ force: true, v: true }).catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      }),
    ),
  );
  for (const x of rm) if (x.status === "rejected") errors.push(x.reason);
  const nets = Object.values(r.networks).filter((n): n is Docker.Network => n !== undefined);
  const nr = await Promise.allSettled(
    nets.map((n) =>
      pollUntil(
        async () => {
          try {
            await n.remove();
          } catch (e) {
            if ((e as { statusCode?: number }).statusCode === 404) return true;
            throw e;
          }
          return true;
        },
        { what: `network ${n.id.slice(0, 12)} removed`, timeoutMs: 10_000, intervalMs: 100 },
      ),
    ),
  );
  for (const x of nr) if (x.status === "rejected") errors.push(x.reason);
  if (errors.length > 0) {
    throw new BacksideError("RUNTIME", `teardown left ${errors.length} resource(s); run \`backside clean\``, {
      cause: errors[0],
      details: { errors: errors.map(String) },
    });
  }
}

/** A running topology: nodes by name, link control, teardown. Async-disposable. */
export class StartedTopology implements AsyncDisposable {
  private readonly tracked = new Set<Stoppable>();
  private stopping: Promise<void> | undefined;
  /** `<node>/<segment>` unplugged by disconnect() and not plugged back. */
  private readonly unplugged = new Set<string>();

  constructor(
    private readonly res: TopologyResources,
    private readonly nodeMap: Map<NodeName, StartedNode>,
    /** Milliseconds per bring-up phase (images, networks, create, start, ready, ruleset). */
    readonly timings: Readonly<Record<string, number>> = {},
  ) {}

  get runId(): string {
    return this.res.runId;
  }
  get name(): string {
    return this.res.name;
  }
  get plan(): TopologyPlan {
    return this.res.plan;
  }
  get slot(): number {
    return this.res.plan.slot;
  }
  get docker(): Docker {
    return this.res.docker;
  }

  node(name: NodeName): StartedNode {
    const n = this.nodeMap.get(name);
    if (!n) throw new BacksideError("USAGE", `no node '${name}' in this topology`);
    return n;
  }

  nodes(): StartedNode[] {
    return NODES.filter((n) => this.nodeMap.has(n)).map((n) => this.nodeMap.get(n)!);
  }

  /** Docker network name of a segment (`backside-<run>-<segment>`). */
  networkName(segment: SegmentName): string {
    const n = this.res.networkNames[segment];
    if (!n) throw new BacksideError("USAGE", `no segment '${segment}'`);
    return n;
  }

  /** Unplugs a node from a segment ("host gone"): its interface there disappears. */
  async disconnect(node: NodeName, segment: SegmentName): Promise<void> {
    const n = this.node(node);
    n.address(segment);
    const net = this.res.networks[segment]!;
    await net.disconnect({ Container: n.id, Force: true });
    this.unplugged.add(`${node}/${segment}`);
    n.invalidateInterfaces();
  }

  /**
   * Gives a node another address on a segment ("the host moved"): unplugged, plugged back with
   * the new address (and a new MAC, which Docker derives from it), routes re-applied. Nobody
   * holds the old address any more.
   */
  async move(node: NodeName, segment: SegmentName, address: string): Promise<void> {
    const n = this.node(node);
    const net = this.res.networks[segment]!;
    await this.disconnect(node, segment);
    await net.connect({ Container: n.id, EndpointConfig: { IPAMConfig: { IPv4Address: address } } });
    this.unplugged.delete(`${node}/${segment}`);
    n.movedAddress(segment, address);
    await n.applyRoutes();
  }

  /** Plugs a node back into a segment with its planned address, and re-applies its routes. */
  async connect(node: NodeName, segment: SegmentName): Promise<void> {
    const n = this.node(node);
    const net = this.res.networks[segment]!;
    await net.connect({
      Container: n.id,
      EndpointConfig: { IPAMConfig: { IPv4Address: n.address(segment) } },
    });
    this.unplugged.delete(`${node}/${segment}`);
    n.invalidateInterfaces();
    await n.applyRoutes();
  }

  /**
   * Every node back on its planned segments with its planned addresses (undoing disconnect and
   * move), routes re-applied. Docker derives a MAC from the address, so the MACs are back too.
   */
  async restoreLinks(): Promise<string[]> {
    const done: string[] = [];
    for (const n of this.nodes()) {
      for (const segment of n.plan.segments) {
        const key = `${n.name}/${segment}`;
        const moved = n.movedSegments().includes(segment);
        if (!moved && !this.unplugged.has(key)) continue;
        if (moved && !this.unplugged.has(key)) await this.disconnect(n.name, segment);
        n.plannedAddressAgain(segment);
        await this.connect(n.name, segment);
        done.push(`${key} ${moved ? "moved back" : "plugged back"}`);
      }
    }
    return done;
  }

  /** Stops what was tracked (captures), newest first, each bounded; before a reset or teardown. */
  async stopTracked(): Promise<void> {
    const items = [...this.tracked].reverse();
    this.tracked.clear();
    // A capture that cannot be stopped must not keep the containers alive.
    await Promise.allSettled(items.map((i) => withTimeout(i.stop(), 15_000, "stopping a tracked item")));
  }

  /** Stopped (newest first) before the containers go; returns an untrack function. */
  track(item: Stoppable): () => void {
    this.tracked.add(item);
    return () => this.tracked.delete(item);
  }

  /** Stops tracked items (captures), removes containers and networks. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.res.registry?.delete(this);
    await this.stopTracked();
    await removeResources(this.res);
    for (const n of this.nodes()) n.closeExec();
  }

  /**
   * Leaves the topology running after this process ends (`run --keep`): nothing stops it on
   * Ctrl-C any more. Its labels still name this process as owner, so once the process is gone
   * `backside clean` removes it like any leftover.
   */
  release(): void {
    this.res.registry?.delete(this);
    for (const n of this.nodes()) n.closeExec();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

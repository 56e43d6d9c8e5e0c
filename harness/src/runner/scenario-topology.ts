/**
 * How a scenario run gets its topology: a new one in a free slot, or, through a TopologyPool, a
 * reused one with the stand-ins reset in place for this scenario; a topology warmed for the run
 * gets the run's captures started as soon as it is ready. Made before the run starts
 * so the pool can warm it in the background; the test PKI (when the scenario needs one) is made
 * once here and disposed by the run.
 */
import type Docker from "dockerode";
import type { Scenario } from "../scenarios/schema.js";
import type { StartedTopology } from "../topology/started-topology.js";
import type { NodeOptions } from "../topology/topology.js";
import { createTestPki, type TestPki } from "../tls/index.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import { newRunId } from "../util/run-id.js";
import { isBacksideError } from "../errors.js";
import { bringUpScenario, scenarioNodes } from "./bring-up-scenario.js";
import type { GatewayAdapter } from "./gateways/index.js";
import { resolveHost } from "./resolve-address.js";
import { handOverStandins, type HandedOver } from "./restart-standins.js";
import type { SlotPicker } from "./slot-picker.js";
import type { PoolRequest } from "./topology-pool.js";
import { startScenarioCaptures, type ScenarioCaptures } from "./scenario-captures.js";

const needsPki = (s: Scenario) => s.gateway.backend.scheme === "https" || s.backend.mode.startsWith("tls-");

export interface ScenarioTopologyOptions {
  scenario: Scenario;
  gateway: GatewayAdapter;
  slots: SlotPicker;
  docker?: Docker;
  registry?: CleanupRegistry;
  /** For a pool: labelled and named for no one scenario, since it will serve several. */
  pooled?: boolean;
  /** The run's bundle folder: with it, a warmed topology gets the run's captures started ahead. */
  bundleDir?: string;
}

/** How long captures started ahead may run before the run's steps (added to their bound). */
const AHEAD_SECONDS = 300;

/** Same shape: the same images and node options, configurations aside (a restart sets those). */
export function topologyShape(
  gateway: GatewayAdapter,
  nodes: Record<string, NodeOptions | undefined>,
): string | undefined {
  if (!gateway.restartsInPlace) return undefined;
  const bare = Object.entries(nodes).map(([n, o]) => [n, { ...o, config: undefined }]);
  return JSON.stringify({ gateway: gateway.kind, nodes: bare });
}

export class ScenarioTopology implements PoolRequest {
  /** The run id of a new topology (a reused one keeps its own). */
  readonly runId = newRunId();
  readonly shape: string | undefined;
  private pkiMade: Promise<TestPki | undefined> | undefined;
  private ahead: { topo: StartedTopology; captures: Promise<ScenarioCaptures> } | undefined;

  constructor(private readonly o: ScenarioTopologyOptions) {
    // The slot changes only addresses inside the configurations, never the shape.
    this.shape = o.pooled
      ? topologyShape(o.gateway, scenarioNodes(o.scenario, 0, undefined, o.gateway))
      : undefined;
  }

  /** The scenario's test PKI, made once (none when it needs no TLS). */
  pki(): Promise<TestPki | undefined> {
    const s = this.o.scenario;
    // The certificate names the backend's host name; an address in the URL is not in it.
    const host = resolveHost(0, s.gateway.backend.host);
    this.pkiMade ??= needsPki(s)
      ? createTestPki({ hostName: host.isName ? host.host : "backend.backside.test", runId: this.runId })
      : Promise.resolve(undefined);
    return this.pkiMade;
  }

  /** A new topology in a free slot; another slot when a concurrent run took this one first. */
  async create(): Promise<StartedTopology> {
    const { scenario: s, gateway } = this.o;
    const pki = await this.pki();
    const tried = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      const slot = await this.o.slots.take(tried);
      tried.add(slot);
      try {
        return await bringUpScenario({
          scenario: s,
          runId: this.runId,
          slot,
          pki,
          docker: this.o.docker,
          registry: this.o.registry,
          name: this.o.pooled ? "catalogue" : s.name,
          labels: {
            ...(this.o.pooled ? {} : { "backside.scenario": s.name }),
            "backside.gateway": gateway.kind,
          },
          gateway,
        });
      } catch (e) {
        this.o.slots.release(slot);
        if (attempt < 3 && isBacksideError(e) && /no free topology slot/.test(e.message)) continue;
        throw e;
      }
    }
  }

  /** The stand-ins of a reused topology restarted with this scenario's configurations, left starting. */
  async handOver(topo: StartedTopology): Promise<HandedOver> {
    return handOverStandins(
      topo,
      scenarioNodes(this.o.scenario, topo.slot, await this.pki(), this.o.gateway),
    );
  }

  /**
   * A warmed topology is ready: the run's captures started now, unless the scenario changes the
   * topology first (its captures must see the changed links) or no bundle folder was given.
   */
  async ready(topo: StartedTopology): Promise<void> {
    const { scenario: s, bundleDir } = this.o;
    if (s.topology.length || !bundleDir) return;
    const captures = startScenarioCaptures(topo, s, bundleDir, AHEAD_SECONDS);
    this.ahead = { topo, captures };
    await captures;
  }

  /** The captures started ahead on `topo`, if any: the run's from then on. */
  async startedCaptures(topo: StartedTopology): Promise<ScenarioCaptures | undefined> {
    const ahead = this.ahead;
    this.ahead = undefined;
    return ahead?.topo === topo ? ahead.captures : undefined;
  }

  async dispose(): Promise<void> {
    const pki = await this.pkiMade?.catch(() => undefined);
    await pki?.dispose().catch(() => undefined);
  }
}

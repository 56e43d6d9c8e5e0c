import Docker from "dockerode";
import { BacksideError } from "../errors.js";
import { newRunId, checkRunId } from "../util/run-id.js";
import { currentProcess, type ProcessIdentity } from "../util/process-identity.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import { NODES, isNodeName, type NodeName, type TopologyPlan } from "./plan.js";
import { LABEL, PROJECT } from "./labels.js";
import type { FileSpec } from "./archive.js";
import { bringUp } from "./bring-up.js";
import type { StartedTopology } from "./started-topology.js";

/** A command run inside the node by exec; exit 0 means ready. */
export interface ReadinessProbe {
  cmd: string[];
  /** Whole wait for this probe; default: the topology's readyTimeoutMs. */
  timeoutMs?: number;
}

/** A value, or a function of the plan: addresses are known only once a slot is taken. */
export type PlanValue<T> = T | ((plan: TopologyPlan) => T);

export function resolvePlanValue<T>(v: PlanValue<T>, plan: TopologyPlan): T {
  return typeof v === "function" ? (v as (plan: TopologyPlan) => T)(plan) : v;
}

export interface NodeOptions {
  /** Default `backside/<node>:latest` (or the topology's default image). */
  image?: string;
  /** Replaces the image's command (the entrypoint, and so BACKSIDE_ROUTES, stays). */
  cmd?: PlanValue<string[]>;
  env?: PlanValue<Record<string, string>>;
  /** Serialised as JSON into env BACKSIDE_CONFIG (a function gets the plan, e.g. for addresses). */
  config?: PlanValue<Record<string, unknown>>;
  /** Written into the container before it starts. */
  files?: PlanValue<FileSpec[]>;
  /** Added to (and overriding) the plan's sysctls, e.g. `net.ipv4.tcp_abort_on_overflow`. */
  sysctls?: Record<string, string>;
  /** Added to the plan's capabilities. */
  capAdd?: string[];
  ready?: ReadinessProbe;
}

export interface TopologyOptions {
  /** Label `backside.topology`; default "default". */
  name?: string;
  runId?: string;
  docker?: Docker;
  /** The started topology registers itself here (the CLI's signal handling). */
  registry?: CleanupRegistry;
  /** A fixed slot (no search); default: the first free one from a random start. */
  slot?: number;
  /** Bound for all nodes to become ready; default 60 s. */
  readyTimeoutMs?: number;
  /** Image for nodes without their own; default `backside/<node>:latest`. */
  defaultImage?: string;
  /** Extra labels on every resource (e.g. `backside.test=<file>`). */
  labels?: Record<string, string>;
}

/** Builder for one run's topology: `new Topology().withNode(...).start()`. */
export class Topology {
  readonly runId: string;
  private readonly nodeOptions = new Map<NodeName, NodeOptions>();

  constructor(private readonly options: TopologyOptions = {}) {
    this.runId = options.runId ? checkRunId(options.runId) : newRunId();
  }

  withNode(name: NodeName, opts: NodeOptions): this {
    if (!isNodeName(name))
      throw new BacksideError("USAGE", `unknown node '${name}' (nodes: ${NODES.join(", ")})`);
    // A later withNode for the same node replaces the options it names.
    const prev = this.nodeOptions.get(name) ?? {};
    this.nodeOptions.set(name, { ...prev, ...opts });
    return this;
  }

  withDefaultImage(image: string): this {
    this.options.defaultImage = image;
    return this;
  }

  /** Labels every resource carries; the owner identifies the process for `backside clean`. */
  labels(owner: ProcessIdentity = currentProcess()): Record<string, string> {
    return {
      ...this.options.labels,
      [LABEL.project]: PROJECT,
      [LABEL.run]: this.runId,
      [LABEL.topology]: this.options.name ?? "default",
      [LABEL.host]: owner.host,
      [LABEL.pid]: String(owner.pid),
      [LABEL.pidStart]: owner.start,
    };
  }

  start(): Promise<StartedTopology> {
    const docker = this.options.docker ?? new Docker();
    return bringUp({
      docker,
      runId: this.runId,
      name: this.options.name ?? "default",
      labels: this.labels(),
      slot: this.options.slot,
      readyTimeoutMs: this.options.readyTimeoutMs ?? 60_000,
      defaultImage: this.options.defaultImage,
      nodes: new Map(NODES.map((n) => [n, this.nodeOptions.get(n) ?? {}])),
      registry: this.options.registry,
    });
  }
}

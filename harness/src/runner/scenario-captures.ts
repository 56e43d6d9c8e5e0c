/**
 * A scenario's capture points started on its topology, into its bundle folder. The run starts
 * them after its topology changes; a scenario without any has them started by the pool as soon
 * as its topology is ready (ScenarioTopology.ready), while the run before it still drives its
 * faults, so the run's bring-up does not wait for them.
 */
import type { Scenario } from "../scenarios/schema.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { startCapture, type StartedCapture } from "../capture/index.js";

export interface ScenarioCaptures {
  started: StartedCapture[];
  /** The first capture that did not start (those that did are in `started`, to be stopped). */
  failed?: unknown;
}

/** `aheadSeconds`: how long before the run's steps they may start (added to their bound). */
export async function startScenarioCaptures(
  topo: StartedTopology,
  s: Scenario,
  bundleDir: string,
  aheadSeconds = 0,
): Promise<ScenarioCaptures> {
  const started = await Promise.allSettled(
    s.capture.map((p) =>
      startCapture(topo.node(p.node), {
        segment: p.segment,
        name: `${p.node}-${p.segment}`,
        outDir: bundleDir,
        maxSeconds: s.timeoutSeconds + 120 + aheadSeconds,
        maxBytes: 50_000_000,
        // A reset removes the captures' folder (and checks it is gone), teardown the node.
        removeFiles: false,
      }),
    ),
  );
  return {
    started: started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
    failed: started.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason,
  };
}

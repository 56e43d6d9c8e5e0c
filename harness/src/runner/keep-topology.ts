/**
 * `run --keep`: once the verdict is in, a run that did not match leaves its topology up so a
 * person can look at the failure live (the faults still in place); any other run tears down as
 * always. A kept topology is released from Ctrl-C cleanup and swept later by `backside clean`.
 */
import { oneLine } from "../errors.js";
import type { StartedTopology } from "../topology/started-topology.js";
import type { KeptTopology } from "./result-types.js";

export async function keepTopology(
  topo: StartedTopology,
  failed: boolean,
  partialReasons: string[],
  log: (line: string) => void,
): Promise<KeptTopology | undefined> {
  if (!failed) {
    try {
      await topo.stop();
    } catch (e) {
      partialReasons.push(`teardown: ${oneLine(e)}`);
    }
    return undefined;
  }
  topo.release();
  const kept: KeptTopology = {
    runId: topo.runId,
    containers: Object.fromEntries(topo.nodes().map((n) => [n.name, n.containerName])),
    remove: `backside clean --run ${topo.runId}`,
  };
  log(
    `kept for a look (run ${kept.runId}): ${Object.values(kept.containers).join(", ")}; remove with ${kept.remove}`,
  );
  return kept;
}

/**
 * Resets the stand-in programs of a reused topology in place with the next scenario's
 * configurations: each node's stand-in host (standins/control/standin-host.ts) gets
 * `POST /reset` with the configuration, stops the program, removes what it wrote and starts a
 * new one in a new worker thread of the same process, and answers once it is ready. A new
 * worker has nothing of the old one: no DNS cache, no pooled connection, no log line, no failure
 * record; and no Node process is started, which is what a restart cost on a loaded machine.
 */
import { HOST_PORT } from "../standins/control/standin-host.js";
import { resolvePlanValue, type NodeOptions } from "../topology/topology.js";
import type { NodeName } from "../topology/plan.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { BacksideError } from "../errors.js";

// One exec a node (each costs tenths of a second on a loaded machine): the configuration from
// stdin, the answer's status on the last line. The host stops the old program within 5 s and
// gives the new one 30 s to be ready.
const RESET = [
  "curl",
  "-s",
  "-S",
  "--max-time",
  "40",
  "-X",
  "POST",
  "-H",
  "content-type: application/json",
  "--data-binary",
  "@-",
  "-w",
  "\n%{http_code}",
  `http://127.0.0.1:${HOST_PORT}/reset`,
];

/** The program reset with its configuration; its readiness probe is handed back to be rerun. */
async function resetProgram(topo: StartedTopology, name: NodeName, opts: NodeOptions) {
  const node = topo.node(name);
  const config = opts.config === undefined ? {} : resolvePlanValue(opts.config, topo.plan);
  const r = await node.exec(RESET, { stdin: JSON.stringify(config), timeoutMs: 50_000 });
  const cut = r.stdout.lastIndexOf("\n");
  const status = Number(r.stdout.slice(cut + 1)) || 0;
  if (r.exitCode !== 0 || status < 200 || status > 299)
    throw new BacksideError(
      "RUNTIME",
      `${name}: reset in place failed: ${r.stderr.trim() || `${status}: ${r.stdout.slice(0, Math.max(cut, 0)).slice(0, 200)}`}`,
    );
  return { node, probe: opts.ready?.cmd ?? ["true"] };
}

async function cutLogs(topo: StartedTopology, name: NodeName): Promise<void> {
  if (!(await topo.node(name).cutLogsAtReset()))
    throw new BacksideError("RUNTIME", `${name}'s output has no reset line to cut at`);
}

function withPrograms(nodes: Partial<Record<NodeName, NodeOptions>>): [NodeName, NodeOptions][] {
  return (Object.entries(nodes) as [NodeName, NodeOptions][]).filter(([, o]) => o.config !== undefined);
}

export interface HandedOver {
  /** Per node, its new program's readiness probe (resetNetwork's `before`), run once more. */
  waits: Partial<Record<NodeName, string[]>>;
  /** Each node's output cut at its reset line. */
  done(): Promise<void>;
}

/**
 * Every program reset before the network's reset begins, so no old program sends anything once
 * it does; the new ones are ready when this resolves.
 */
export async function handOverStandins(
  topo: StartedTopology,
  nodes: Partial<Record<NodeName, NodeOptions>>,
): Promise<HandedOver> {
  const over = await Promise.all(withPrograms(nodes).map(([n, o]) => resetProgram(topo, n, o)));
  return {
    waits: Object.fromEntries(over.map((h) => [h.node.name, h.probe])),
    done: async () => void (await Promise.all(over.map((h) => cutLogs(topo, h.node.name)))),
  };
}

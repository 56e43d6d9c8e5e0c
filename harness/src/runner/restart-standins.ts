/**
 * Resets the stand-in programs of a reused topology in place with the next scenario's
 * configurations: each node's stand-in host (standins/control/standin-host.ts) gets
 * `POST /reset` with the configuration (curl in the node, on loopback), stops the program,
 * removes what it wrote and starts a new one in a new worker thread of the same process, and
 * answers once it is ready. A new worker has nothing of the old one: no DNS cache, no pooled
 * connection, no log line, no failure record; and no Node process is started, which is what a
 * restart cost on a loaded machine.
 */
import { HOST_PORT } from "../standins/control/standin-host.js";
import { resolvePlanValue, type NodeOptions } from "../topology/topology.js";
import type { NodeName } from "../topology/plan.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { BacksideError } from "../errors.js";

// The stand-in host stops the old program within 5 s and gives the new one 30 s to be ready.
// The answer's body goes to stdout (a failed reset's message quotes it): never `-o /dev/stderr`,
// which an exec channel's command cannot open (its output is a socket, topology/exec-agent.ts).
const resetCommand = (config: unknown) => [
  "curl",
  "-s",
  "-S",
  "--fail-with-body",
  "--max-time",
  "40",
  "-X",
  "POST",
  "-H",
  "content-type: application/json",
  "--data-binary",
  JSON.stringify(config),
  `http://127.0.0.1:${HOST_PORT}/reset`,
];

const configOf = (topo: StartedTopology, opts: NodeOptions) =>
  opts.config === undefined ? {} : resolvePlanValue(opts.config, topo.plan);

// Every program is reset before any node's network reset begins, the gateway's and the ones
// that only answer alike: ending a program sends on its own (the backend's overloaded listener,
// closed, answers the connections in its queue with RSTs and stops retransmitting SYN-ACKs), and
// a packet crossing a node already flushed leaves neighbour entries the check throws the
// topology away for (measured: a reset inside the node's network exec, after its flush, failed
// the check after backend-overloaded on most catalogue runs). The sockets the kernel still
// holds for the old program (a FIN it retransmits towards a fault that still drops it) are
// destroyed in the same exec, before the firewall's fault tables go.
const THEN_DESTROY_SOCKETS = '"$@" && ss -K -t -a exclude listening >/dev/null';

/** The program reset by an exec of its own (each costs tenths of a second on a loaded machine). */
async function resetProgram(topo: StartedTopology, name: NodeName, opts: NodeOptions) {
  const cmd = ["/bin/sh", "-c", THEN_DESTROY_SOCKETS, "reset", ...resetCommand(configOf(topo, opts))];
  const r = await topo.node(name).exec(cmd, { timeoutMs: 50_000 });
  if (r.exitCode !== 0)
    throw new BacksideError(
      "RUNTIME",
      `${name}: reset in place failed (exit ${r.exitCode}): ${`${r.stderr.trim()} ${r.stdout.trim()}`.trim().slice(0, 300)}`,
    );
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
  const programs = withPrograms(nodes);
  await Promise.all(programs.map(([n, o]) => resetProgram(topo, n, o)));
  return {
    waits: Object.fromEntries(programs.map(([n, o]) => [n, o.ready?.cmd ?? ["true"]])),
    done: async () => void (await Promise.all(programs.map(([n]) => cutLogs(topo, n)))),
  };
}

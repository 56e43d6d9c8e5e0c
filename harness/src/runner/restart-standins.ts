/**
 * Restarts the stand-in programs of a reused topology in place with the next scenario's
 * configurations: each gets its configuration as /run/backside/<role>.json, then SIGHUP, on
 * which the image's entry script stops the program, removes what it wrote and starts a new one
 * (images/common/entry.sh). A new process has nothing of the old one: no DNS cache, no pooled
 * connection, no log line, no failure record. The new program is ready when its pid answers its
 * readiness probe: the pool's network reset waits for that in each node (handOverStandins).
 */
import { resetConfigFile } from "../standins/control/load-config.js";
import { resolvePlanValue, type NodeOptions } from "../topology/topology.js";
import type { NodeName } from "../topology/plan.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { BacksideError } from "../errors.js";

const PID_FILE = "/run/backside/program.pid";

// $0 is the old pid, $1 how many looks 20 ms apart, "$@" after it the readiness probe. The wait
// runs in the node, inside the network reset's exec (under its `timeout`).
const WAIT_NEW_PROGRAM = [
  "old=$0",
  "n=$1",
  "shift",
  "i=0",
  'while [ "$i" -lt "$n" ]; do',
  `  p=$(cat ${PID_FILE} 2>/dev/null)`,
  '  if [ -n "$p" ] && [ "$p" != "$old" ] && kill -0 "$p" 2>/dev/null && ! kill -0 "$old" 2>/dev/null && "$@" >/dev/null 2>&1; then exit 0; fi',
  "  sleep 0.02",
  "  i=$((i + 1))",
  "done",
  "exit 1",
].join("\n");

// The whole restart in one exec (each costs tenths of a second on a loaded machine): the
// configuration from stdin into $0, SIGHUP to the entry script (the program's parent, which
// docker-init would hand a container's SIGHUP to), then the wait for the old program to end (at
// most about 10 s; the new one's readiness is waited for later, in the network reset). Prints
// `old=<pid>` first; exit 64: no program to restart, 1: the old one still runs.
const RESTART = [
  'mkdir -p "$(dirname "$0")" && cat > "$0" || exit 64',
  `old=$(cat ${PID_FILE} 2>/dev/null)`,
  'case "$old" in "" | *[!0-9]*) echo "no program to restart in place (pid file: \'$old\')" >&2; exit 64 ;; esac',
  'echo "old=$old"',
  'entry=$(ps -o ppid= -p "$old" | tr -d " ")',
  'kill -HUP "$entry" || exit 64',
  'i=0; while kill -0 "$old" 2>/dev/null && [ "$i" -lt 500 ]; do sleep 0.02; i=$((i + 1)); done',
  '! kill -0 "$old" 2>/dev/null',
].join("\n");

/** The configuration handed over and the old program ended: its pid and the new one's probe. */
async function hup(topo: StartedTopology, name: NodeName, opts: NodeOptions) {
  const node = topo.node(name);
  const config = opts.config === undefined ? {} : resolvePlanValue(opts.config, topo.plan);
  const probe = opts.ready?.cmd ?? ["true"];
  const r = await node.exec(["/bin/sh", "-c", RESTART, resetConfigFile(name)], {
    stdin: JSON.stringify(config),
    timeoutMs: 20_000,
  });
  const old = /^old=(\d+)$/m.exec(r.stdout)?.[1];
  if (r.exitCode === 64 || !old)
    throw new BacksideError(
      "RUNTIME",
      `${name}: ${r.stderr.trim() || `restart in place exited ${r.exitCode}`}`,
    );
  if (r.exitCode !== 0)
    throw new BacksideError("RUNTIME", `${name}: its program did not end within 10 s of SIGHUP`);
  return { node, old, probe };
}

async function cutLogs(topo: StartedTopology, name: NodeName): Promise<void> {
  if (!(await topo.node(name).cutLogsAtReset()))
    throw new BacksideError("RUNTIME", `${name}'s output has no reset line to cut at`);
}

function withPrograms(nodes: Partial<Record<NodeName, NodeOptions>>): [NodeName, NodeOptions][] {
  return (Object.entries(nodes) as [NodeName, NodeOptions][]).filter(([, o]) => o.config !== undefined);
}

export interface HandedOver {
  /** Per node, the command that waits for its new program (resetNetwork's `before`). */
  waits: Partial<Record<NodeName, string[]>>;
  /** Once the new programs run: each node's output cut at its reset line. */
  done(): Promise<void>;
}

/**
 * The restart split for a reset that overlaps the programs' start with the network's reset: the
 * configurations handed over and every old program ended (so none sends anything once the
 * network reset begins), the new ones left starting; their readiness is awaited in each node's
 * reset exec, before its state is read.
 */
export async function handOverStandins(
  topo: StartedTopology,
  nodes: Partial<Record<NodeName, NodeOptions>>,
): Promise<HandedOver> {
  const over = await Promise.all(withPrograms(nodes).map(([n, o]) => hup(topo, n, o)));
  return {
    waits: Object.fromEntries(
      over.map((h) => [h.node.name, ["/bin/sh", "-c", WAIT_NEW_PROGRAM, h.old, "1000", ...h.probe]]),
    ),
    done: async () => void (await Promise.all(over.map((h) => cutLogs(topo, h.node.name)))),
  };
}

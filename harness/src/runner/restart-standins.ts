/**
 * Restarts the stand-in programs of a reused topology in place with the next scenario's
 * configurations: each gets its configuration as /run/backside/<role>.json, then SIGHUP, on
 * which the image's entry script stops the program, removes what it wrote and starts a new one
 * (images/common/entry.sh). A new process has nothing of the old one: no DNS cache, no pooled
 * connection, no log line, no failure record. Done when the new pid answers its readiness probe.
 */
import { resetConfigFile } from "../standins/control/load-config.js";
import { resolvePlanValue, type NodeOptions } from "../topology/topology.js";
import type { NodeName } from "../topology/plan.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { BacksideError } from "../errors.js";
import { pollUntil } from "../util/poll-until.js";

const PID_FILE = "/run/backside/program.pid";

// $0 is the old pid, $1 how many looks 20 ms apart, "$@" after it the readiness probe. The wait
// runs in the node (under `timeout`, so none outlives its call).
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
// docker-init would hand a container's SIGHUP to), then the wait. Prints `old=<pid>` first; exit
// 64: no program to restart, 1: not ready yet (the caller waits on).
const RESTART = [
  'mkdir -p "$(dirname "$0")" && cat > "$0" || exit 64',
  `old=$(cat ${PID_FILE} 2>/dev/null)`,
  'case "$old" in "" | *[!0-9]*) echo "no program to restart in place (pid file: \'$old\')" >&2; exit 64 ;; esac',
  'echo "old=$old"',
  'entry=$(ps -o ppid= -p "$old" | tr -d " ")',
  'kill -HUP "$entry" || exit 64',
  `timeout 3 /bin/sh -c '${WAIT_NEW_PROGRAM.replace(/'/g, `'\\''`)}' "$old" 100 "$@"`,
].join("\n");

export async function restartStandin(
  topo: StartedTopology,
  name: NodeName,
  opts: NodeOptions,
  timeoutMs = 20_000,
): Promise<void> {
  const node = topo.node(name);
  const config = opts.config === undefined ? {} : resolvePlanValue(opts.config, topo.plan);
  const probe = opts.ready?.cmd ?? ["true"];
  const r = await node.exec(["/bin/sh", "-c", RESTART, resetConfigFile(name), ...probe], {
    stdin: JSON.stringify(config),
    timeoutMs: 15_000,
  });
  if (r.exitCode === 64 || !/^old=\d+$/m.test(r.stdout))
    throw new BacksideError(
      "RUNTIME",
      `${name}: ${r.stderr.trim() || `restart in place exited ${r.exitCode}`}`,
    );
  if (r.exitCode !== 0) {
    const old = /^old=(\d+)$/m.exec(r.stdout)![1];
    // Each call looks for at most 3 s in the node; the poll around it bounds the whole wait.
    const wait = ["timeout", "3", "/bin/sh", "-c", WAIT_NEW_PROGRAM, old, "100", ...probe];
    await pollUntil(async () => (await node.exec(wait, { timeoutMs: 10_000 })).exitCode === 0, {
      what: `${name} restarted in place and ready`,
      timeoutMs,
      intervalMs: 20,
    });
  }
  if (!(await node.cutLogsAtReset()))
    throw new BacksideError("RUNTIME", `${name}'s output has no reset line to cut at`);
}

/** Every node that runs a stand-in program (those with a configuration), in parallel. */
export async function restartStandins(
  topo: StartedTopology,
  nodes: Partial<Record<NodeName, NodeOptions>>,
): Promise<void> {
  await Promise.all(
    (Object.entries(nodes) as [NodeName, NodeOptions][])
      .filter(([, o]) => o.config !== undefined)
      .map(([n, o]) => restartStandin(topo, n, o)),
  );
}

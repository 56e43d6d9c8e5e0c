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

// $0 is the old pid, "$@" the readiness probe.
const NEW_PROGRAM_READY = `p=$(cat ${PID_FILE} 2>/dev/null) && [ -n "$p" ] && [ "$p" != "$0" ] && kill -0 "$p" && ! kill -0 "$0" 2>/dev/null && exec "$@"`;

export async function restartStandin(
  topo: StartedTopology,
  name: NodeName,
  opts: NodeOptions,
  timeoutMs = 20_000,
): Promise<void> {
  const node = topo.node(name);
  const pid = (await node.execOk(["cat", PID_FILE], { timeoutMs: 10_000 })).stdout.trim();
  if (!/^\d+$/.test(pid))
    throw new BacksideError("RUNTIME", `${name} has no program to restart in place (pid file: '${pid}')`);
  const config = opts.config === undefined ? {} : resolvePlanValue(opts.config, topo.plan);
  await node.copyFilesIn([{ path: resetConfigFile(name), content: JSON.stringify(config) }]);
  await node.container.kill({ signal: "SIGHUP" });
  const probe = opts.ready?.cmd ?? ["true"];
  await pollUntil(
    async () =>
      (await node.exec(["/bin/sh", "-c", NEW_PROGRAM_READY, pid, ...probe], { timeoutMs: 5_000 }))
        .exitCode === 0,
    { what: `${name} restarted in place and ready`, timeoutMs, intervalMs: 50 },
  );
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

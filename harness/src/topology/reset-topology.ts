/**
 * Puts a started topology's network back as it came up, for the next scenario: captures stopped,
 * every node on its planned segments with its planned addresses and routes only, neighbour and
 * conntrack tables flushed, TCP sockets that outlived their programs (TIME_WAIT) destroyed,
 * capture files removed; on the firewall every nftables table but those it came up with deleted
 * and every qdisc removed. The programs in the nodes are the runner's to restart (they need the
 * next scenario's configuration); topology-state.ts checks the result.
 */
import type { StartedTopology } from "./started-topology.js";
import type { StartedNode } from "./started-node.js";
import type { NodeName } from "./plan.js";
import { CAPTURE_FILES_DIR, STATE_SCRIPT, parseNodeState, type TopologyState } from "./topology-state.js";

/** The tables an `nft list ruleset` text holds (`inet backside_base`): what the firewall keeps. */
export function keptTables(nftRuleset: string): string[] {
  return nftRuleset.split("\n").flatMap((l) => /^table (\S+ \S+) \{$/.exec(l)?.[1] ?? []);
}

function nodeScript(node: StartedNode, keepTables: readonly string[]): string {
  const routes = node.plan.routes.map((r) => `ip route replace ${r}`);
  const lines = [
    // Routes the entry script or a scenario added (proto boot/static); connected ones stay.
    "ip -4 route flush proto boot",
    "ip -4 route flush proto static",
    ...routes,
    "ip -4 neigh flush all nud all",
    "conntrack -F >/dev/null 2>&1 || true",
    // Sockets of a stopped program linger (TIME_WAIT) and would show in the next error report.
    "ss -K -t -a exclude listening >/dev/null",
    `rm -rf ${CAPTURE_FILES_DIR}`,
  ];
  if (node.name === "firewall") {
    const keep = keepTables.map((t) => `"${t}"`).join("|") || '""';
    lines.push(
      `nft list tables | while read -r _ family name; do case "$family $name" in ${keep}) ;; *) nft delete table "$family" "$name" ;; esac; done`,
      'for dev in $(ls /sys/class/net); do tc qdisc del dev "$dev" root 2>/dev/null || true; tc qdisc del dev "$dev" ingress 2>/dev/null || true; done',
    );
  }
  return lines.join("\n");
}

export interface NetworkResetOptions {
  /** nftables tables the firewall came up with (`inet backside_base`), kept. */
  keepTables: readonly string[];
  /**
   * A command per node run after its reset and before its state is read, in the same exec and
   * bounded by `timeout 20` (the node's new program's readiness probe).
   */
  before?: Partial<Record<NodeName, string[]>>;
}

export interface NetworkReset {
  /** What it had to undo (re-plugged segments), for the steps log. */
  undone: string[];
  /** Each node's state read right after its reset in the same exec, for the check. */
  state: TopologyState;
  /** Milliseconds: the captures stopped, the links restored (the nodes' execs are the rest). */
  timings: { captures: number; links: number };
}

export async function resetNetwork(topo: StartedTopology, o: NetworkResetOptions): Promise<NetworkReset> {
  const t0 = Date.now();
  await topo.stopTracked();
  const t1 = Date.now();
  const undone = await topo.restoreLinks();
  const timings = { captures: t1 - t0, links: Date.now() - t1 };
  const nodes = topo.nodes();
  const out = await Promise.all(
    nodes.map((n) => {
      const reset = n.plan.capAdd.includes("NET_ADMIN")
        ? `(set -e\n${nodeScript(n, o.keepTables)}\n) || exit $?\n`
        : "";
      const before = o.before?.[n.name];
      const wait = before ? 'timeout 20 "$@" || { echo "not ready: exit $?" >&2; exit 75; }\n' : "";
      return n.execOk(["/bin/sh", "-c", reset + wait + STATE_SCRIPT, "reset", ...(before ?? [])], {
        timeoutMs: before ? 40_000 : 15_000,
      });
    }),
  );
  const state = Object.fromEntries(nodes.map((n, i) => [n.name, parseNodeState(out[i].stdout)]));
  return { undone, state, timings };
}

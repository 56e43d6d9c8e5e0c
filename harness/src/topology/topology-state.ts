/**
 * What a node's kernel holds that one scenario could leave to the next: addresses, routes,
 * neighbour (ARP) entries, conntrack entries, TCP sockets, nftables rules, qdiscs, processes and
 * capture files. A reused topology is checked against the state it came up in (checkClean):
 * the structure must be the same, and what traffic leaves behind must be gone.
 */
import { BacksideError } from "../errors.js";
import type { NodeName } from "./plan.js";
import type { StartedTopology } from "./started-topology.js";

/** Where captures live inside a node (capture/ writes there; a reset removes it). */
export const CAPTURE_FILES_DIR = "/tmp/captures";

/** Sections that must read as they did when the topology came up. */
const STRUCTURE = ["addresses", "routes", "nft", "qdiscs", "processes"] as const;
/** Sections that must be empty: what traffic and captures leave behind. */
const LEFT_BY_TRAFFIC = ["neighbours", "conntrack", "sockets", "files"] as const;
type Section = (typeof STRUCTURE)[number] | (typeof LEFT_BY_TRAFFIC)[number];

export type NodeState = Record<Section, string>;
export type TopologyState = Partial<Record<NodeName, NodeState>>;

// Interface names are left out (Docker's ethN order follows connect order, which a re-plugged
// segment changes), and so are loopback's sockets and conntrack entries (the control APIs are
// reached on loopback by every call, and never cross a captured link), nft counters' counts and
// the ports of Docker's embedded DNS rules (127.0.0.11), which a container restart changes.
export const STATE_SCRIPT = `
s() { echo "## $1"; }
s addresses; ip -o -4 addr show | awk '{print $4}' | sort
s routes; ip -4 route show | sed -E 's/ dev [^ ]+//; s/ +$//' | sort
s neighbours; ip -4 neigh show | sort
s conntrack; conntrack -L 2>/dev/null | grep -v 'src=127\\.' | sort
s sockets; ss -Htan | grep -v '^LISTEN' | grep -v '127\\.0\\.0\\.' | sort
s nft; nft list ruleset 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/; /127\.0\.0\.11/ s/[0-9]{4,5}/PORT/g'
s qdiscs; tc qdisc show 2>/dev/null | sed -E 's/ dev [^ ]+//; s/ refcnt [0-9]+//' | sort
s processes; ps -eo comm= | grep -vx 'ps\\|sort\\|sh\\|grep\\|sed\\|awk' | sort
s files; ls -A ${CAPTURE_FILES_DIR} 2>/dev/null
true
`;

export function parseNodeState(text: string): NodeState {
  const out = Object.fromEntries([...STRUCTURE, ...LEFT_BY_TRAFFIC].map((k) => [k, ""])) as NodeState;
  let current: Section | undefined;
  const lines = new Map<Section, string[]>();
  for (const line of text.split("\n")) {
    const head = /^## (\w+)$/.exec(line);
    if (head) {
      current = head[1] as Section;
      lines.set(current, []);
    } else if (current && line.trim()) lines.get(current)!.push(line.trimEnd());
  }
  for (const [k, v] of lines) if (k in out) out[k] = v.join("\n");
  return out;
}

export async function nodeState(topo: StartedTopology, node: NodeName): Promise<NodeState> {
  const r = await topo.node(node).execOk(["/bin/sh", "-c", STATE_SCRIPT], { timeoutMs: 15_000 });
  return parseNodeState(r.stdout);
}

export async function topologyState(topo: StartedTopology): Promise<TopologyState> {
  const nodes = topo.nodes();
  const states = await Promise.all(nodes.map((n) => nodeState(topo, n.name)));
  return Object.fromEntries(nodes.map((n, i) => [n.name, states[i]]));
}

/** What differs from a clean state, one line per node and section (empty: clean). */
export function stateLeaks(pristine: TopologyState, now: TopologyState): string[] {
  const out: string[] = [];
  const first = (s: string) => (s.split("\n")[0] ?? "").slice(0, 160);
  for (const [node, state] of Object.entries(now) as [NodeName, NodeState][]) {
    const was = pristine[node];
    if (!was) continue;
    for (const k of STRUCTURE)
      if (state[k] !== was[k])
        out.push(`${node}: ${k} differ from bring-up (${first(diffLine(was[k], state[k]))})`);
    for (const k of LEFT_BY_TRAFFIC)
      if (state[k]) out.push(`${node}: ${k} left: ${state[k].split("\n").length} (${first(state[k])})`);
  }
  return out;
}

/** True when the structure reads as at bring-up: whatever differs is what traffic leaves. */
export function onlyTrafficLeft(pristine: TopologyState, now: TopologyState): boolean {
  return (Object.entries(now) as [NodeName, NodeState][]).every(([node, state]) => {
    const was = pristine[node];
    return !was || STRUCTURE.every((k) => state[k] === was[k]);
  });
}

function diffLine(was: string, now: string): string {
  const before = new Set(was.split("\n"));
  const after = new Set(now.split("\n"));
  const added = [...after].find((l) => !before.has(l));
  if (added !== undefined) return `+ ${added}`;
  return `- ${[...before].find((l) => !after.has(l)) ?? ""}`;
}

/** Throws RUNTIME naming every leak when the topology is not back to its clean state. */
export async function checkClean(
  topo: StartedTopology,
  pristine: TopologyState,
  now?: TopologyState,
): Promise<void> {
  const leaks = stateLeaks(pristine, now ?? (await topologyState(topo)));
  if (leaks.length)
    throw new BacksideError("RUNTIME", `reset of topology ${topo.runId} left state: ${leaks.join("; ")}`, {
      details: { leaks },
    });
}

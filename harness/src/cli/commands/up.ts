/**
 * `backside up`: brings up the default topology for a person (training labs) and keeps it
 * until Ctrl-C, printing the nodes, their addresses and how to get a shell in each.
 */
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { Topology, SEGMENTS, NODES, defaultNodeOptions, type StartedTopology } from "../../topology/index.js";
import { imageRef } from "../../images/catalog.js";
import { helpText, intOption, parseOptions, type OptionTable } from "../options.js";

export const summary = "bring up the default topology and keep it until Ctrl-C";

export const options = {
  base: { type: "boolean", help: "every node runs backside/base:latest (no stand-in programs)" },
  slot: {
    type: "string",
    metavar: "N",
    help: "use subnet slot N (default: a free one; slot 0 is docker-compose.yml's)",
  },
  "run-id": { type: "string", metavar: "ID", help: "name the run (default: generated)" },
  for: { type: "string", metavar: "SECONDS", help: "tear down by itself after this long" },
} satisfies OptionTable;

export const help = helpText("usage: backside up [--base] [--slot N] [--run-id ID] [--for SECONDS]", options);

interface UpOptions {
  base: boolean;
  slot?: number;
  runId?: string;
  forSeconds?: number;
}

function parse(argv: string[]): UpOptions | "help" {
  const parsed = parseOptions("up", options, argv);
  if (parsed === "help") return "help";
  const v = parsed.values;
  const num = (flag: string, s: string | undefined) =>
    s === undefined ? undefined : intOption("up", flag, s, 0, 1_000_000);
  return {
    base: v.base === true,
    slot: num("--slot", v.slot),
    runId: v["run-id"],
    forSeconds: num("--for", v.for),
  };
}

function describe(t: StartedTopology): string {
  const lines = [`run ${t.runId}, slot ${t.slot}`, ""];
  lines.push(["node", ...SEGMENTS].map((c) => c.padEnd(16)).join("") + "container");
  for (const n of t.nodes()) {
    const cols = SEGMENTS.map((s) => (n.plan.addresses[s] ?? "-").padEnd(16)).join("");
    lines.push(n.name.padEnd(16) + cols + n.containerName);
  }
  lines.push("", "segments:");
  for (const s of SEGMENTS)
    lines.push(`  ${s.padEnd(8)} ${t.plan.segments[s].subnet}  (${t.networkName(s)})`);
  const gw = t.node("gateway").address("front");
  lines.push(
    "",
    "shell in a node:   docker exec -it " + t.node("client").containerName + " bash",
    `from the client:   docker exec ${t.node("client").containerName} curl -s http://${gw}:8080/`,
    "firewall rules:    docker exec " + t.node("firewall").containerName + " nft list ruleset",
    "",
    "Ctrl-C tears everything down.",
  );
  return lines.join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const o = parse(argv);
  if (o === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const registry = new CleanupRegistry();
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let finished = false;
  registry.installSignalHandlers({
    // First signal: cleanup ran, resolve. Second: exit now (the registry already said so).
    exit: (code) => {
      if (finished) process.exit(code);
      finished = true;
      finish(code);
    },
  });
  // A pending promise does not keep Node alive; this timer does, until we are done.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const topology = new Topology({
      name: "up",
      runId: o.runId,
      slot: o.slot,
      registry,
      defaultImage: o.base ? imageRef("base") : undefined,
    });
    if (!o.base)
      for (const n of NODES) if (defaultNodeOptions[n]) topology.withNode(n, defaultNodeOptions[n]);
    process.stdout.write(`backside up: starting run ${topology.runId}...\n`);
    const t0 = Date.now();
    const started = await topology.start();
    process.stdout.write(
      `${describe(started)}\nbackside up: ready in ${Date.now() - t0} ms (run ${started.runId})\n`,
    );
    let timer: NodeJS.Timeout | undefined;
    if (o.forSeconds !== undefined) {
      timer = setTimeout(() => {
        finished = true;
        started.stop().then(
          () => finish(0),
          () => finish(5),
        );
      }, o.forSeconds * 1000);
    }
    const code = await done;
    clearTimeout(timer);
    process.stdout.write(`backside up: run ${started.runId} torn down\n`);
    return code;
  } finally {
    clearInterval(keepAlive);
    registry.uninstallSignalHandlers();
  }
}

/**
 * `backside up`: brings up the default topology for a person (training labs) and keeps it
 * until Ctrl-C, printing the nodes, their addresses and how to get a shell in each.
 */
import { BacksideError } from "../../errors.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { Topology, SEGMENTS, NODES, defaultNodeOptions, type StartedTopology } from "../../topology/index.js";
import { imageRef } from "../../images/catalog.js";

export const summary = "bring up the default topology and keep it until Ctrl-C";

const HELP = `usage: backside up [--base] [--slot N] [--run-id ID] [--for SECONDS]

  --base          every node runs backside/base:latest (no stand-in programs)
  --slot N        use subnet slot N (default: a free one; slot 0 is docker-compose.yml's)
  --run-id ID     name the run (default: generated)
  --for SECONDS   tear down by itself after this long`;

interface UpOptions {
  base: boolean;
  slot?: number;
  runId?: string;
  forSeconds?: number;
}

function parse(argv: string[]): UpOptions | "help" {
  const o: UpOptions = { base: false };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0)
      throw new BacksideError("USAGE", `up: ${flag} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return "help";
    else if (a === "--base") o.base = true;
    else if (a === "--slot") o.slot = num(a, argv[++i]);
    else if (a === "--for") o.forSeconds = num(a, argv[++i]);
    else if (a === "--run-id") o.runId = argv[++i];
    else throw new BacksideError("USAGE", `up: unknown option '${a}'`, { hint: "run `backside up --help`" });
  }
  return o;
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
    process.stdout.write(HELP + "\n");
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

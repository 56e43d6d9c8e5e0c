import { randomBytes } from "node:crypto";
import { BacksideError } from "../../errors.js";
import { spawnExec, type Exec } from "./exec.js";

/**
 * Three network namespaces joined by veth pairs, for firewall tests where Docker images are not
 * needed: client (10.250.0.2) - router (10.250.0.1 | 10.250.1.1) - server (10.250.1.2). The
 * router forwards; fault tables go into its forward hook exactly as in the firewall container.
 * The addresses exist only inside these namespaces; nothing leaves them.
 */
export interface NetnsLab extends AsyncDisposable {
  readonly id: string;
  readonly ns: { client: string; router: string; server: string };
  readonly addr: { client: string; routerClientSide: string; routerServerSide: string; server: string };
  /** Devices: client c0, router r0 (client side) and r1 (server side), server s0. */
  exec(node: keyof NetnsLab["ns"]): Exec;
  /** argv prefix that runs a command inside a namespace. */
  prefix(node: keyof NetnsLab["ns"]): string[];
  stop(): Promise<void>;
}

export async function startNetnsLab(runId = randomBytes(3).toString("hex")): Promise<NetnsLab> {
  const id = `bs-${runId}`;
  const ns = { client: `${id}-c`, router: `${id}-r`, server: `${id}-s` };
  const host = spawnExec();
  const run = async (argv: string[]) => {
    const r = await host(argv);
    if (r.exitCode !== 0) throw new BacksideError("RUNTIME", `${argv.join(" ")}: ${r.stderr.trim()}`);
  };
  const stop = async () => {
    // Deleting a namespace deletes its veth ends, and their peers with them.
    for (const n of Object.values(ns)) await host(["ip", "netns", "del", n]);
  };
  try {
    for (const n of Object.values(ns)) await run(["ip", "netns", "add", n]);
    // Created inside the namespaces directly: no temporary names in the host's namespace.
    await run([
      "ip",
      "-n",
      ns.client,
      "link",
      "add",
      "c0",
      "type",
      "veth",
      "peer",
      "name",
      "r0",
      "netns",
      ns.router,
    ]);
    await run([
      "ip",
      "-n",
      ns.server,
      "link",
      "add",
      "s0",
      "type",
      "veth",
      "peer",
      "name",
      "r1",
      "netns",
      ns.router,
    ]);
    const setup: [string, string[]][] = [
      [ns.client, ["addr", "add", "10.250.0.2/24", "dev", "c0"]],
      [ns.router, ["addr", "add", "10.250.0.1/24", "dev", "r0"]],
      [ns.router, ["addr", "add", "10.250.1.1/24", "dev", "r1"]],
      [ns.server, ["addr", "add", "10.250.1.2/24", "dev", "s0"]],
    ];
    for (const [n, args] of setup) await run(["ip", "-n", n, ...args]);
    for (const [n, dev] of [
      [ns.client, "c0"],
      [ns.router, "r0"],
      [ns.router, "r1"],
      [ns.server, "s0"],
      [ns.client, "lo"],
      [ns.router, "lo"],
      [ns.server, "lo"],
    ])
      await run(["ip", "-n", n, "link", "set", dev, "up"]);
    await run(["ip", "-n", ns.client, "route", "add", "default", "via", "10.250.0.1"]);
    await run(["ip", "-n", ns.server, "route", "add", "default", "via", "10.250.1.1"]);
    await run(["ip", "netns", "exec", ns.router, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  } catch (e) {
    await stop();
    throw e;
  }
  const prefix = (node: keyof typeof ns) => ["ip", "netns", "exec", ns[node]];
  return {
    id,
    ns,
    addr: {
      client: "10.250.0.2",
      routerClientSide: "10.250.0.1",
      routerServerSide: "10.250.1.1",
      server: "10.250.1.2",
    },
    exec: (node) => spawnExec(prefix(node)),
    prefix,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

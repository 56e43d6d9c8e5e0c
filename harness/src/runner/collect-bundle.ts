/**
 * Everything a scenario leaves behind, gathered into its bundle folder. Each piece is best
 * effort: what cannot be collected becomes a reason the result is partial, never a lost run.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { oneLine } from "../errors.js";
import type { StartedTopology } from "../topology/started-topology.js";
import type { StartedCapture } from "../capture/index.js";
import type { RequestOutcome } from "./result-types.js";
import { controlOk } from "./control-api.js";
import type { GatewayAdapter } from "./gateways/index.js";
import { withTimeout } from "../util/poll-until.js";

export interface Collected {
  pcaps: string[];
  gatewayLog?: string;
  errorReport?: string;
  other: string[];
  problems: string[];
}

async function attempt<T>(
  what: string,
  problems: string[],
  fn: () => Promise<T>,
  timeoutMs = 30_000,
  log?: (l: string) => void,
): Promise<T | undefined> {
  const t0 = Date.now();
  try {
    const v = await withTimeout(fn(), timeoutMs, what);
    log?.(`collected ${what} in ${Date.now() - t0} ms`);
    return v;
  } catch (e) {
    problems.push(`${what}: ${oneLine(e)}`);
    return undefined;
  }
}

export async function collectBundle(
  topo: StartedTopology,
  captures: readonly StartedCapture[],
  bundleDir: string,
  requests: RequestOutcome[],
  gateway: GatewayAdapter,
  log: (line: string) => void = () => undefined,
): Promise<Collected> {
  const c: Collected = { pcaps: [], other: [], problems: [] };
  const tryTo = <T>(what: string, fn: () => Promise<T>) => attempt(what, c.problems, fn, 30_000, log);
  const gw = topo.node("gateway");
  // The gateway's own evidence (its report snapshots its state as the failure left it); the
  // captures stop meanwhile (control traffic runs on loopback, so it is not in them).
  const gatewaySide = (async () => {
    const a = await tryTo(`${gateway.kind} gateway artifacts`, () => gateway.collect(gw, bundleDir));
    if (!a) return;
    c.errorReport = a.errorReport;
    c.gatewayLog = a.gatewayLog;
    c.other.push(...a.moreLogs, ...a.other);
    c.problems.push(...a.problems);
  })();
  const save = async (name: string, content: string) => {
    await writeFile(join(bundleDir, name), content);
    c.other.push(name);
  };
  // Independent reads, each bounded, all at once: the stand-ins' own records are read on
  // loopback or by exec, so they never show in the captures still being stopped.
  const [stopped] = await Promise.all([
    Promise.all(captures.map((cap) => tryTo(`capture ${cap.name}`, () => cap.stop()))),
    gatewaySide,
    tryTo("dns query log", async () =>
      save("dns-queries.json", await controlOk(topo.node("dns"), "GET", "/queries")),
    ),
    tryTo("backend events", async () =>
      save("backend-events.json", await controlOk(topo.node("backend"), "GET", "/events")),
    ),
    tryTo("firewall rules", async () => {
      const r = await topo.node("firewall").exec(["nft", "list", "ruleset"], { timeoutMs: 10_000 });
      await save("firewall-ruleset.txt", r.stdout + r.stderr);
    }),
  ]);
  stopped.forEach((r, i) => {
    if (r) c.pcaps.push(`${captures[i].name}.pcap`);
  });
  // The programs' output last, so it has what they printed while the rest was collected.
  await Promise.all(
    topo
      .nodes()
      .filter((n) => n.name !== "client")
      .map((node) =>
        tryTo(`${node.name} output`, async () => {
          const l = await node.logs();
          await save(`${node.name}.stdout.log`, l.stdout + (l.stderr ? `\n--- stderr ---\n${l.stderr}` : ""));
        }),
      ),
  );
  await save("requests.json", JSON.stringify(requests, null, 2) + "\n");
  return c;
}

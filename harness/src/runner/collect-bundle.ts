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
import { saveErrorReport, saveGatewayLog } from "./gateway-artifacts.js";
import { withTimeout } from "../util/poll-until.js";

export interface Collected {
  pcaps: string[];
  gatewayLog?: string;
  errorReport?: string;
  other: string[];
  problems: string[];
}

async function attempt<T>(what: string, problems: string[], fn: () => Promise<T>, timeoutMs = 30_000): Promise<T | undefined> {
  try {
    return await withTimeout(fn(), timeoutMs, what);
  } catch (e) {
    problems.push(`${what}: ${oneLine(e)}`);
    return undefined;
  }
}

export async function collectBundle(topo: StartedTopology, captures: readonly StartedCapture[], bundleDir: string, requests: RequestOutcome[]): Promise<Collected> {
  const c: Collected = { pcaps: [], other: [], problems: [] };
  const gw = topo.node("gateway");
  // The report first: it snapshots the gateway's state (DNS cache, TCP table) as the failure left it.
  c.errorReport = await attempt("error report", c.problems, () => saveErrorReport(gw, bundleDir));
  c.gatewayLog = await attempt("gateway log", c.problems, () => saveGatewayLog(gw, bundleDir));
  const stopped = await Promise.all(captures.map((cap) => attempt(`capture ${cap.name}`, c.problems, () => cap.stop())));
  stopped.forEach((r, i) => {
    if (r) c.pcaps.push(`${captures[i].name}.pcap`);
  });
  const save = async (name: string, content: string) => {
    await writeFile(join(bundleDir, name), content);
    c.other.push(name);
  };
  for (const node of topo.nodes()) {
    if (node.name === "client") continue;
    await attempt(`${node.name} output`, c.problems, async () => {
      const l = await node.logs();
      await save(`${node.name}.stdout.log`, l.stdout + (l.stderr ? `\n--- stderr ---\n${l.stderr}` : ""));
    });
  }
  await attempt("dns query log", c.problems, async () => save("dns-queries.json", await controlOk(topo.node("dns"), "GET", "/queries")));
  await attempt("backend events", c.problems, async () => save("backend-events.json", await controlOk(topo.node("backend"), "GET", "/events")));
  await attempt("firewall rules", c.problems, async () => {
    const r = await topo.node("firewall").exec(["nft", "list", "ruleset"], { timeoutMs: 10_000 });
    await save("firewall-ruleset.txt", r.stdout + r.stderr);
  });
  await save("requests.json", JSON.stringify(requests, null, 2) + "\n");
  return c;
}

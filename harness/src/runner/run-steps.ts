/**
 * The scenario's steps, in order, against a started topology: requests from the client, stand-in
 * modes and firewall faults set mid-run, waits, topology changes, a backend restart.
 */
import type { Scenario, Step } from "../scenarios/schema.js";
import { requestLimitSeconds } from "../scenarios/check-scenario.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { applyFaults, type Exec } from "../standins/firewall/index.js";
import { BacksideError } from "../errors.js";
import { pollUntil, delay } from "../util/poll-until.js";
import type { RequestOutcome } from "./result-types.js";
import { driveRequests, succeededRequest, untilReached } from "./drive-requests.js";
import { controlOk, controlProbe } from "./control-api.js";
import { backendMode, backendTls, dnsModeEntry } from "./standin-configs.js";
import { faultRules } from "./firewall-faults.js";
import { applyTopologyChange } from "./topology-changes.js";
import { resolveAddress } from "./resolve-address.js";
import type { TestPki } from "../tls/index.js";
import { FRONT_PORT } from "./standin-configs.js";
import type { GatewayAdapter } from "./gateways/index.js";

export interface StepContext {
  topo: StartedTopology;
  scenario: Scenario;
  gateway: GatewayAdapter;
  pki?: TestPki;
  signal?: AbortSignal;
  requests: RequestOutcome[];
  /** One line per thing done, for the bundle's steps.log. */
  log: (line: string) => void;
}

export function firewallExec(topo: StartedTopology): Exec {
  const fw = topo.node("firewall");
  return (argv, stdin) => fw.exec([...argv], { stdin, timeoutMs: 15_000 });
}

export function backendPort(s: Scenario): number {
  return s.gateway.backend.port ?? (s.gateway.backend.scheme === "https" ? 443 : 80);
}

export async function setFaults(ctx: StepContext, faults: Scenario["firewall"]["faults"]): Promise<void> {
  const rules = faultRules(faults, ctx.topo.slot, backendPort(ctx.scenario));
  await applyFaults(firewallExec(ctx.topo), rules);
  ctx.log(`firewall faults: ${rules.length ? JSON.stringify(rules) : "none"}`);
}

async function runStep(ctx: StepContext, step: Step): Promise<void> {
  const { topo, scenario: s } = ctx;
  if (step.request) {
    const r = step.request;
    const url = `http://${topo.node("gateway").address("front")}:${FRONT_PORT}/`;
    const maxTimeSeconds = r.maxTimeSeconds ?? requestLimitSeconds(s);
    if (s.gateway.dns.cache === "off" && ctx.gateway.flushDnsCache) {
      // The stand-in always caches by TTL; "off" is emulated by flushing before each request step.
      await ctx.gateway.flushDnsCache(topo.node("gateway"));
      ctx.log("gateway dns cache flushed (cache: off)");
    }
    const until = r.until ? `, until ${r.until.failed} failed and ${r.until.succeeded} succeeded` : "";
    ctx.log(`request x${r.count} (concurrency ${r.concurrency}, interval ${r.intervalMs} ms${until}) ${url}`);
    const out = await driveRequests(
      { client: topo.node("client"), url, firstIndex: ctx.requests.length, signal: ctx.signal },
      { ...r, maxTimeSeconds },
    );
    ctx.requests.push(...out);
    ctx.log(`  -> ${out.map((o) => `${o.status || "-"}/${o.exitCode}/${o.seconds.toFixed(2)}s`).join(" ")}`);
    if (r.until && !ctx.signal?.aborted && !untilReached(out, r.until)) {
      const ok = out.filter(succeededRequest).length;
      ctx.log(
        `  until not reached: ${out.length - ok} failed and ${ok} succeeded of ${out.length}; the fault did not show as the scenario means it to`,
      );
    }
  } else if (step.wait) {
    ctx.log(`wait ${step.wait.seconds} s`);
    await delay(step.wait.seconds * 1000);
  } else if (step.topology) {
    ctx.log(await applyTopologyChange(topo, step.topology));
  } else if (step.restart) {
    const node = topo.node(step.restart);
    ctx.log(`restart ${step.restart}`);
    await node.container.restart({ t: 1 });
    node.invalidateInterfaces();
    await pollUntil(
      async () =>
        (await node.exec(controlProbe(step.restart === "dns" ? "/zone" : "/state").cmd, { timeoutMs: 5_000 }))
          .exitCode === 0,
      {
        what: `${step.restart} back after restart`,
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
  } else if (step.lookup) {
    // Straight to the gateway's first name server, so the query and its answer cross the
    // captured links like the gateway's own queries do.
    const server = resolveAddress(topo.slot, firstServer(s));
    const r = await topo
      .node(step.lookup.node)
      .exec(["dig", "+short", "+time=2", "+tries=1", `@${server}`, step.lookup.name, "A"], {
        timeoutMs: 15_000,
      });
    ctx.log(
      `lookup ${step.lookup.name} at ${server} from ${step.lookup.node}: ${r.stdout.trim().replace(/\n/g, ", ") || `no answer (exit ${r.exitCode})`}`,
    );
  } else if (step.set) {
    const set = step.set;
    if (set.backend) {
      const mode = set.backend.mode ?? s.backend.mode;
      const tls = backendTls(mode, ctx.pki);
      if (tls) await controlOk(topo.node("backend"), "PUT", "/tls", tls);
      await controlOk(
        topo.node("backend"),
        "PUT",
        "/mode",
        backendMode(mode, { ...s.backend, ...set.backend }),
      );
      ctx.log(`backend mode ${mode}`);
    }
    if (set.dns) {
      for (const m of set.dns.modes) {
        const zone = s.dns.zone[m.name];
        const current =
          zone === undefined
            ? []
            : (Array.isArray(zone) ? zone : [zone]).map((r) => resolveAddress(topo.slot, r));
        await controlOk(
          topo.node("dns"),
          "PUT",
          `/names/${encodeURIComponent(m.name)}`,
          dnsModeEntry(s, topo.slot, m, current),
        );
        ctx.log(`dns ${m.name} mode ${m.mode}`);
      }
    }
    if (set.firewall) await setFaults(ctx, set.firewall.faults);
  }
}

function firstServer(s: Scenario): string {
  const first = s.gateway.dns.servers[0];
  if (first === undefined) return "dns";
  return typeof first === "string" ? first : first.address;
}

/** Runs every step; stops early (without error) when the signal aborts. */
export async function runSteps(ctx: StepContext): Promise<void> {
  for (const [i, step] of ctx.scenario.steps.entries()) {
    if (ctx.signal?.aborted)
      throw new BacksideError("INTERRUPTED", `stopped before step ${i + 1} of ${ctx.scenario.steps.length}`);
    await runStep(ctx, step);
  }
}

/**
 * Reuse of one topology across scenarios, through the real parts: the first scenario leaves
 * everything a run can leave (a cached address in the gateway, neighbour and conntrack entries,
 * a fault table, a moved host, an extra route), the reset removes it, and the check that guards
 * every reset names what is left when a reset is skipped or state is put back.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalogue, selectScenarios } from "../scenarios/index.js";
import { diagnose } from "../engine/diagnose.js";
import { CleanupRegistry } from "../util/cleanup-registry.js";
import { checkClean, stateLeaks, topologyState } from "../topology/topology-state.js";
import { keptTables, resetNetwork } from "../topology/reset-topology.js";
import { applyFaults } from "../standins/firewall/index.js";
import { firewallExec } from "./run-steps.js";
import { controlOk } from "./control-api.js";
import { MGMT_PORT } from "./gateway-artifacts.js";
import { gatewayAdapter } from "./gateways/index.js";
import { runScenario } from "./run-scenario.js";
import { ScenarioTopology } from "./scenario-topology.js";
import { SlotPicker } from "./slot-picker.js";
import { TopologyPool } from "./topology-pool.js";
import { resolveAddress } from "./resolve-address.js";

const docker = new Docker();
const registry = new CleanupRegistry();
const slots = new SlotPicker(docker);
const reportDir = mkdtempSync(join(tmpdir(), "backside-reuse-int-"));
const catalogue = loadCatalogue("scenarios");
const scenario = (name: string) => selectScenarios(catalogue, [name])[0];
const request = (name: string) =>
  new ScenarioTopology({
    scenario: scenario(name),
    gateway: gatewayAdapter("backside", scenario(name)),
    slots,
    docker,
    registry,
    pooled: true,
  });

afterAll(async () => {
  await registry.stopAll();
  rmSync(reportDir, { recursive: true, force: true });
});

describe("a reused topology", () => {
  it(
    "runs dns-stale-cache and then healthy on the same containers, each diagnosed right",
    { timeout: 240_000 },
    async () => {
      // Room for one topology only: the second run can only have the first one's, reset.
      const pool = new TopologyPool({ max: 1, onStopped: (t) => slots.release(t.slot) });
      try {
        const run = (name: string) =>
          runScenario({
            scenario: scenario(name),
            repeat: 1,
            repeats: 1,
            reportDir,
            diagnose,
            slots,
            docker,
            registry,
            pool,
            request: request(name),
          });
        const stale = await run("dns-stale-cache");
        const healthy = await run("healthy");
        expect(stale.diagnosed, stale.explanation).toBe("dns.stale-cache");
        expect(healthy.diagnosed, healthy.explanation).toBe("healthy");
        expect(healthy.runId).toBe(stale.runId);
        expect(healthy.timings.bringUpSteps?.["reset.network"]).toBeGreaterThan(0);
        const steps = readFileSync(join(reportDir, "healthy", "steps.log"), "utf8");
        expect(steps).toMatch(/reused: reset and checked clean/);
        expect(steps).toMatch(/reset: backend\/back moved back/);
        // Only this run's lines: the first run's cache hit and error are not in its log.
        const log = readFileSync(join(reportDir, "healthy", "gateway.log"), "utf8");
        expect(log).not.toMatch(/Failed to establish a backside connection/);
        expect(log).not.toMatch(/DNS cache hit/);
        const out = readFileSync(join(reportDir, "healthy", "backend.stdout.log"), "utf8");
        expect(out.split("\n")[0]).toMatch(/^entry: reset: backend restarted/);
      } finally {
        await pool.close();
      }
    },
  );

  it(
    "keeps no cached address, neighbour entry, conntrack entry or nft rule after a reset, and the check names each leak",
    { timeout: 240_000 },
    async () => {
      const first = request("dns-stale-cache");
      const topo = await first.create();
      try {
        const pristine = await topologyState(topo);
        expect(stateLeaks(pristine, pristine)).toEqual([]);
        // What a scenario leaves: traffic through every hop, a cached name, a fault table,
        // a moved host and a route of its own.
        const gw = topo.node("gateway");
        const url = `http://${gw.address("front")}:8080/`;
        const curl = await topo
          .node("client")
          .exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url]);
        expect(curl.stdout).toBe("200");
        const cache = JSON.parse(await controlOk(gw, "GET", "/mgmt/dns-cache", undefined, MGMT_PORT));
        expect(JSON.stringify(cache)).toMatch(/api\.backside\.test/);
        await applyFaults(firewallExec(topo), [{ kind: "drop", match: { proto: "tcp", dport: 80 } }]);
        await topo.move("backend", "back", resolveAddress(topo.slot, "back:.11"));
        await gw.execOk([
          "ip",
          "route",
          "add",
          `${resolveAddress(topo.slot, "back:.99")}/32`,
          "via",
          topo.node("firewall").address("mid"),
        ]);
        const dirty = stateLeaks(pristine, await topologyState(topo));
        for (const what of [
          "gateway: neighbours",
          "firewall: conntrack",
          "firewall: nft",
          "backend: addresses",
          "gateway: routes",
        ])
          expect(dirty.join("\n")).toContain(what);

        // A reset that restarts the programs but skips the network is caught by the check.
        const next = request("healthy");
        const handed = await next.handOver(topo);
        for (const [name, wait] of Object.entries(handed.waits))
          await topo.node(name as keyof typeof handed.waits).execOk(["timeout", "20", ...wait]);
        await handed.done();
        await expect(checkClean(topo, pristine)).rejects.toMatchObject({
          code: "RUNTIME",
          message: expect.stringMatching(/left state: .*firewall: nft differ/),
        });
        const skipped = stateLeaks(pristine, await topologyState(topo));
        expect(skipped.some((l) => l.startsWith("gateway: neighbours"))).toBe(true);
        expect(skipped.some((l) => l.startsWith("backend: addresses"))).toBe(true);
        // The programs alone were enough for the gateway's cache: a new process has none.
        expect(
          JSON.stringify(JSON.parse(await controlOk(gw, "GET", "/mgmt/dns-cache", undefined, MGMT_PORT))),
        ).not.toMatch(/api\.backside\.test/);

        // The whole reset: nothing left.
        const reset = await resetNetwork(topo, { keepTables: keptTables(pristine.firewall!.nft) });
        expect(stateLeaks(pristine, reset.state)).toEqual([]);
        expect(stateLeaks(pristine, await topologyState(topo))).toEqual([]);
        await checkClean(topo, pristine);
        expect(topo.node("backend").address("back")).toBe(resolveAddress(topo.slot, "back:.10"));

        // And state put back after it is named again.
        await gw.execOk([
          "ip",
          "neigh",
          "replace",
          resolveAddress(topo.slot, "mid:.77"),
          "lladdr",
          "02:00:00:00:00:77",
          "dev",
          await gw.interfaceOn("mid"),
          "nud",
          "permanent",
        ]);
        await applyFaults(firewallExec(topo), []);
        const leaks = stateLeaks(pristine, await topologyState(topo));
        expect(leaks.some((l) => l.startsWith("gateway: neighbours left"))).toBe(true);
        expect(leaks.some((l) => l.startsWith("firewall: nft differ"))).toBe(true);
      } finally {
        await topo.stop();
        slots.release(topo.slot);
        await first.dispose();
      }
    },
  );
});

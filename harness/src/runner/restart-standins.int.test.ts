/**
 * The stand-ins' reset in place, through the real containers: after a request has left state in
 * every program (the gateway's DNS cache, its pooled connection to the backend, its counters and
 * log; the DNS stand-in's query log; the backend's events), a reset with no network reset at all
 * leaves none of it, in the same process, and the next request resolves the name again.
 */
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { loadCatalogue, selectScenarios } from "../scenarios/index.js";
import { CleanupRegistry } from "../util/cleanup-registry.js";
import type { StartedTopology } from "../topology/started-topology.js";
import { controlOk } from "./control-api.js";
import { MGMT_PORT } from "./gateway-artifacts.js";
import { gatewayAdapter } from "./gateways/index.js";
import { ScenarioTopology } from "./scenario-topology.js";
import { SlotPicker } from "./slot-picker.js";

const docker = new Docker();
const registry = new CleanupRegistry();
const slots = new SlotPicker(docker);
const healthy = selectScenarios(loadCatalogue("scenarios"), ["healthy"])[0];
const request = () =>
  new ScenarioTopology({
    scenario: healthy,
    gateway: gatewayAdapter("backside", healthy),
    slots,
    docker,
    registry,
    pooled: true,
  });

afterAll(() => registry.stopAll());

/** What the programs hold, read through their own APIs and the gateway's sockets. */
async function programState(topo: StartedTopology) {
  const gw = topo.node("gateway");
  const mgmt = (path: string) => controlOk(gw, "GET", path, undefined, MGMT_PORT);
  const backend = topo.node("backend").address("back");
  const pooled = await gw.execOk(["ss", "-H", "-t", "-n", "state", "established", "dst", `${backend}:80`]);
  const events = JSON.parse(await controlOk(topo.node("backend"), "GET", "/events")) as { event: string }[];
  return {
    cache: await mgmt("/mgmt/dns-cache"),
    pooled: pooled.stdout.trim(),
    requests: (JSON.parse(await mgmt("/mgmt/status")) as { requests: number }).requests,
    log: await mgmt("/mgmt/log"),
    queries: JSON.parse(await controlOk(topo.node("dns"), "GET", "/queries")) as { name: string }[],
    backendEvents: events.map((e) => e.event).filter((e) => e !== "listening"),
    pids: await Promise.all(
      (["gateway", "dns", "backend"] as const).map(async (n) =>
        (await topo.node(n).execOk(["pgrep", "-x", "node"])).stdout.trim(),
      ),
    ),
  };
}

describe("a stand-in reset in place", () => {
  it(
    "keeps no cached answer, pooled connection, counter, log line, query or event of the run before, in the same processes",
    { timeout: 180_000 },
    async () => {
      const req = request();
      const topo = await req.create();
      try {
        const gw = topo.node("gateway");
        const url = `http://${gw.address("front")}:8080/`;
        const get = async () =>
          (await topo.node("client").exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url]))
            .stdout;
        expect(await get()).toBe("200");
        const before = await programState(topo);
        expect(before.cache).toMatch(/api\.backside\.test/);
        expect(before.pooled).not.toBe("");
        expect(before.requests).toBeGreaterThan(0);
        expect(before.log).toMatch(/Received GET/);
        expect(before.queries.some((q) => q.name.startsWith("api.backside.test"))).toBe(true);
        expect(before.backendEvents).toContain("request");

        // The programs alone, no network reset: the gateway's in the hand-over, the others in
        // what their nodes' reset execs would run.
        const handed = await request().handOver(topo);
        for (const [name, wait] of Object.entries(handed.waits))
          await topo.node(name as keyof typeof handed.waits).execOk(["timeout", "20", ...wait]);
        await handed.done();
        const after = await programState(topo);
        expect(after.pids).toEqual(before.pids);
        expect(after.cache).not.toMatch(/api\.backside\.test/);
        expect(after.pooled).toBe("");
        expect(after.requests).toBe(0);
        expect(after.log).not.toMatch(/Received GET/);
        expect(after.queries).toEqual([]);
        expect(after.backendEvents).toEqual([]);
        expect((await gw.logs()).stdout.split("\n")[0]).toMatch(/^entry: reset: gateway restarted/);

        // Nothing answers from memory: the next request asks the DNS stand-in again.
        expect(await get()).toBe("200");
        const again = await programState(topo);
        expect(again.queries.some((q) => q.name.startsWith("api.backside.test"))).toBe(true);
        expect(again.backendEvents).toContain("connection");
      } finally {
        await topo.stop();
        slots.release(topo.slot);
        await req.dispose();
      }
    },
  );
});

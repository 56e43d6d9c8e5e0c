/**
 * The pool's bookkeeping with stand-in topologies of no shape (never reset, so no container is
 * needed): warmed ones are handed to their run, nothing outlives close(), the bound holds.
 * Resets of real topologies: topology-reuse.int.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { StartedTopology } from "../topology/started-topology.js";
import { BacksideError } from "../errors.js";
import { TopologyPool, type PoolRequest } from "./topology-pool.js";

function fakes() {
  const made: { id: number; stopped: boolean }[] = [];
  const request = (): PoolRequest => ({
    shape: undefined,
    async create() {
      const t = { id: made.length, stopped: false };
      made.push(t);
      return {
        timings: { start: 1 },
        slot: t.id,
        stop: async () => void (t.stopped = true),
      } as unknown as StartedTopology;
    },
    handOver: async () => ({ waits: {}, done: async () => undefined }),
  });
  return { made, request };
}

/** Topologies of one shape with no node (their state reads empty), reset by `handOver`. */
function shapedFakes(handOver: PoolRequest["handOver"]) {
  const { made, request } = fakes();
  const handedOver: StartedTopology[] = [];
  const shaped = (): PoolRequest => {
    const r = request();
    const create = r.create.bind(r);
    return {
      ...r,
      shape: "s",
      create: async () =>
        Object.assign(await create(), {
          nodes: () => [],
          stopTracked: async () => undefined,
          restoreLinks: async () => [],
        }),
      handOver: (t) => {
        handedOver.push(t);
        return handOver(t);
      },
    };
  };
  return { made, shaped, handedOver };
}

describe("TopologyPool", () => {
  it("hands a run the topology warmed for it, made once", async () => {
    const { made, request } = fakes();
    const pool = new TopologyPool({ max: 2 });
    pool.warm("b", request());
    const got = await pool.take("b", request());
    expect(made).toHaveLength(1);
    expect(got.reused).toBe(false);
    expect(got.steps).toEqual({ start: 1 });
    await pool.close();
  });

  it("tells a warmed topology's request it is ready before the run gets it, and a failure there is not the warm's", async () => {
    const { made, request } = fakes();
    const pool = new TopologyPool({ max: 2 });
    const readied: StartedTopology[] = [];
    const warmed = { ...request(), ready: async (t: StartedTopology) => void readied.push(t) };
    pool.warm("b", warmed);
    const got = await pool.take("b", warmed);
    expect(readied).toEqual([got.topo]);
    const failing = { ...request(), ready: () => Promise.reject(new Error("no capture")) };
    pool.warm("c", failing);
    expect((await pool.take("c", failing)).topo).toBeDefined();
    // A run that took its topology without a warm does what ready() would have itself.
    const taken = { ...request(), ready: async (t: StartedTopology) => void readied.push(t) };
    await pool.take("d", taken);
    expect(readied).toHaveLength(1);
    expect(made).toHaveLength(3);
    await pool.close();
  });

  it("never holds more than max: a warm past it waits until a topology is given back", async () => {
    const { made, request } = fakes();
    const pool = new TopologyPool({ max: 1 });
    const a = await pool.take("a", request());
    pool.warm("b", request());
    expect(made).toHaveLength(1);
    await pool.give(a.topo, true);
    await pool.take("b", request());
    expect(made).toHaveLength(2);
    await pool.close();
  });

  it("a warm that found no room starts as soon as a topology is given back, not when its run takes it", async () => {
    const { made, request } = fakes();
    const pool = new TopologyPool({ max: 1 });
    const a = await pool.take("a", request());
    pool.warm("b", request());
    expect(made).toHaveLength(1);
    await pool.give(a.topo, true);
    expect(made).toHaveLength(2);
    const b = await pool.take("b", request());
    expect(b.topo.slot).toBe(1);
    expect(made).toHaveLength(2);
    await pool.give(b.topo, true);
    await pool.close();
    expect(made.map((m) => m.stopped)).toEqual([true, true]);
  });

  it("a topology of no shape is stopped when given back, and its slot freed", async () => {
    const { made, request } = fakes();
    const freed: number[] = [];
    const pool = new TopologyPool({ onStopped: (t) => freed.push(t.slot) });
    const a = await pool.take("a", request());
    await pool.give(a.topo, true);
    expect(made[0].stopped).toBe(true);
    expect(freed).toEqual([0]);
  });

  it("close() stops what was warmed and never taken; after an abort nothing is warmed", async () => {
    const { made, request } = fakes();
    const abort = new AbortController();
    const pool = new TopologyPool({ max: 3, signal: abort.signal });
    pool.warm("x", request());
    await pool.close();
    expect(made.map((m) => m.stopped)).toEqual([true]);
    const after = new TopologyPool({ signal: abort.signal });
    abort.abort();
    after.warm("y", request());
    expect(made).toHaveLength(1);
  });

  it("a warm that failed is made again when its run takes it, with the run waiting", async () => {
    const { made, request } = fakes();
    const pool = new TopologyPool();
    let fail = true;
    const flaky = request();
    const create = flaky.create.bind(flaky);
    flaky.create = async () => {
      if (fail) {
        fail = false;
        throw new Error("no free topology slot");
      }
      return create();
    };
    pool.warm("z", flaky);
    const got = await pool.take("z", flaky);
    expect(got.topo.slot).toBe(0);
    expect(made).toHaveLength(1);
    await pool.close();
  });

  it("a reset that fails brings up a new topology and says so in its steps, not only in a note", async () => {
    const { made, shaped } = shapedFakes(() =>
      Promise.reject(new BacksideError("RUNTIME", "dns: reset in place failed (exit 23): curl: (23)")),
    );
    const pool = new TopologyPool();
    const a = await pool.take("a", shaped());
    await pool.give(a.topo, true);
    const b = await pool.take("b", shaped());
    expect(b.reused).toBe(false);
    expect(made.map((m) => m.stopped)).toEqual([true, false]);
    expect(b.steps.resetFailed).toBeGreaterThanOrEqual(0);
    expect(b.steps.start).toBe(1);
    expect(b.notes.join("\n")).toMatch(
      /reset of topology .* failed, bringing up a new one: dns: reset in place failed \(exit 23\)/,
    );
    await pool.close();
  });

  it("resets a topology given back at once for the first later run of its shape, and brings up none for them", async () => {
    const { made, shaped, handedOver } = shapedFakes(async () => ({
      waits: {},
      done: async () => undefined,
    }));
    const pool = new TopologyPool({ max: 5 });
    const [a, b] = [await pool.take("a", shaped()), await pool.take("b", shaped())];
    const [c, d, e] = [shaped(), shaped(), { ...shaped(), shape: undefined }];
    pool.upcoming([
      ["e", e],
      ["c", c],
      ["d", d],
    ]);
    expect(made).toHaveLength(2);
    await pool.give(a.topo, true);
    // e has no shape (never reset), so a's topology goes to c, the first that fits.
    expect(handedOver).toEqual([a.topo]);
    const gotC = await pool.take("c", c);
    expect(gotC).toMatchObject({ topo: a.topo, reused: true });
    await pool.give(b.topo, true);
    expect((await pool.take("d", d)).topo).toBe(b.topo);
    // A run taken is never warmed again, even when it was listed.
    await pool.give(gotC.topo, true);
    expect(handedOver).toHaveLength(2);
    expect(made).toHaveLength(2);
    await pool.close();
  });

  it("a reset that leaves only traffic's leftovers is reset once more and checked again; a changed structure is not", async () => {
    const clean = "## addresses\n10.100.1.254/24\n## neighbours\n## nft\ntable inet backside_base {\n}";
    const states: string[] = [];
    const node = {
      name: "firewall",
      plan: { capAdd: [], routes: [], segments: [] },
      execOk: async () => ({ stdout: states.shift() ?? clean }),
    };
    const { made, shaped } = shapedFakes(async () => ({ waits: {}, done: async () => undefined }));
    const withNode = (): PoolRequest => {
      const r = shaped();
      const create = r.create.bind(r);
      return {
        ...r,
        create: async () => Object.assign(await create(), { nodes: () => [node], node: () => node }),
      };
    };
    const pool = new TopologyPool();
    const a = await pool.take("a", withNode());
    await pool.give(a.topo, true);
    states.push(
      clean.replace("## neighbours", "## neighbours\n10.100.43.53 dev eth1 lladdr 02:42:0a:64:2b:35 STALE"),
    );
    const b = await pool.take("b", withNode());
    expect(b).toMatchObject({ topo: a.topo, reused: true });
    expect(b.steps.again).toBeGreaterThanOrEqual(0);
    expect(b.notes.join("\n")).toMatch(
      /left by traffic after the first pass, reset again: firewall: neighbours left: 1/,
    );
    await pool.give(b.topo, true);
    states.push(clean.replace("backside_base {", "backside_faults {"));
    const c = await pool.take("c", withNode());
    expect(c.reused).toBe(false);
    expect(c.notes.join("\n")).toMatch(/failed, bringing up a new one: .*nft differ from bring-up/);
    expect(made).toHaveLength(2);
    await pool.close();
  });
});

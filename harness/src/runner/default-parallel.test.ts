import { describe, expect, it } from "vitest";
import { defaultParallel, MAX_PARALLEL, TOPOLOGY_BYTES } from "./default-parallel.js";

const GiB = 2 ** 30;

describe("default parallelism from the machine", () => {
  it("two topologies a core when memory allows", () => {
    expect(defaultParallel({ cores: 2, freeBytes: 20 * GiB })).toEqual({
      parallel: 4,
      reason: "2 cores × 2, 20.0 GiB free: limited by cores",
    });
  });

  it("fewer when free memory holds fewer topologies, never below one", () => {
    expect(defaultParallel({ cores: 8, freeBytes: 3 * TOPOLOGY_BYTES + 1 })).toMatchObject({
      parallel: 3,
      reason: expect.stringMatching(/limited by memory$/),
    });
    expect(defaultParallel({ cores: 4, freeBytes: 10 * 2 ** 20 }).parallel).toBe(1);
  });

  it("at most the cap on a big machine", () => {
    expect(defaultParallel({ cores: 64, freeBytes: 256 * GiB })).toMatchObject({
      parallel: MAX_PARALLEL,
      reason: expect.stringMatching(/limited by the cap of 16$/),
    });
  });
});

import { describe, expect, it } from "vitest";
import { shardScenarios, splitScenarios, UNRECORDED_MS, estimateMs } from "./shard-scenarios.js";

const named = (...names: string[]) => names.map((name) => ({ name }));
const catalogue = named("a", "b", "c", "d", "e", "f", "g");
const recorded = new Map([
  ["a", 16_000],
  ["b", 12_000],
  ["c", 6_000],
  ["d", 5_000],
  ["e", 5_000],
  ["f", 4_000],
  ["g", 4_000],
]);
const load = (part: { name: string }[]) => part.reduce((t, s) => t + recorded.get(s.name)!, 0);

describe("--shard K/N", () => {
  it("puts every scenario in exactly one share, each in catalogue order", () => {
    for (const n of [1, 2, 3, 7, 9]) {
      const parts = splitScenarios(catalogue, n, recorded);
      expect(parts).toHaveLength(n);
      expect(
        parts
          .flat()
          .map((s) => s.name)
          .sort(),
      ).toEqual(catalogue.map((s) => s.name));
      for (const p of parts) expect(p.map((s) => s.name)).toEqual([...p.map((s) => s.name)].sort());
    }
  });

  it("balances by recorded time, not by count: the long scenarios go to different shares", () => {
    const [one, two] = splitScenarios(catalogue, 2, recorded);
    expect(one.map((s) => s.name)).toContain("a");
    expect(two.map((s) => s.name)).toContain("b");
    // 52 s in all: longest first, each to the lighter share, gives 25 s and 27 s; by count
    // alone (the first four against the last three) it would be 39 s against 13 s.
    expect([load(one), load(two)]).toEqual([25_000, 27_000]);
    for (const n of [3, 4]) {
      const loads = splitScenarios(catalogue, n, recorded).map(load);
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(16_000);
    }
  });

  it("gives every job the same share whatever order it listed the catalogue in", () => {
    const shuffled = [
      catalogue[4],
      catalogue[0],
      catalogue[6],
      catalogue[2],
      catalogue[1],
      catalogue[5],
      catalogue[3],
    ];
    for (const k of [1, 2, 3])
      expect(
        shardScenarios(shuffled, { index: k, total: 3 }, recorded)
          .map((s) => s.name)
          .sort(),
      ).toEqual(shardScenarios(catalogue, { index: k, total: 3 }, recorded).map((s) => s.name));
  });

  it("leaves shares empty when there are more shares than scenarios", () => {
    expect(shardScenarios(named("a", "b"), { index: 3, total: 3 }, recorded)).toEqual([]);
  });

  it("counts an unrecorded scenario as the median of the recorded ones, or a default with none", () => {
    expect(estimateMs(["a", "new"], recorded).get("new")).toBe(5_000);
    expect(estimateMs(["new"], new Map()).get("new")).toBe(UNRECORDED_MS);
  });
});

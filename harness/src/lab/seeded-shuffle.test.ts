import { describe, expect, it } from "vitest";
import { seededShuffle } from "./seeded-shuffle.js";

describe("seededShuffle", () => {
  const items = Array.from({ length: 20 }, (_, i) => i);
  it("gives the same order for the same seed", () => {
    expect(seededShuffle(items, 42)).toEqual(seededShuffle(items, 42));
  });
  it("gives another order for another seed, with the same items", () => {
    const a = seededShuffle(items, 1);
    const b = seededShuffle(items, 2);
    expect(a).not.toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
  });
});

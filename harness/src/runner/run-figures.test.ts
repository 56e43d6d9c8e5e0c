import { describe, expect, it } from "vitest";
import { isTopologyPhase, runFigures } from "./run-figures.js";

const t = (bringUp: number, faultWait: number, collect: number, teardown: number, steps = {}) => ({
  timings: {
    bringUp,
    faultWait,
    collect,
    diagnose: 10,
    teardown,
    total: bringUp + faultWait + collect + 10 + teardown,
    bringUpSteps: steps,
  },
});

describe("runFigures", () => {
  it("efficiency is the faults' summed time over the wall: two runs side by side exceed 1", () => {
    const f = runFigures([t(1000, 4000, 500, 500), t(1000, 4000, 500, 500)], 6000);
    expect(f.sum.faultWait).toBe(8000);
    expect(f.efficiency).toBeCloseTo(8000 / 6000);
  });

  it("overhead is bring-up, collection and teardown over the summed scenario time", () => {
    const f = runFigures([t(2000, 1000, 500, 500)], null);
    expect(f.overhead).toBeCloseTo(3000 / 4010);
    expect(f.efficiency).toBeNull();
  });

  it("sums the parts of bring-up across runs, largest first", () => {
    const f = runFigures(
      [t(1, 1, 1, 1, { start: 900, ready: 300 }), t(1, 1, 1, 1, { reset: 200, ready: 50 })],
      10,
    );
    expect(f.bringUpSteps).toEqual([
      ["start", 900],
      ["ready", 350],
      ["reset", 200],
    ]);
  });

  it("tells a topology's own phases (which may run ahead) from the run's steps", () => {
    expect(["new.start", "reset.programs", "topology", "captures", "faults"].map(isTopologyPhase)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("nothing ran: no ratios, no division by zero", () => {
    const f = runFigures([], 0);
    expect(f.efficiency).toBeNull();
    expect(f.overhead).toBeNull();
  });
});

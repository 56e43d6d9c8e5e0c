import { describe, expect, it } from "vitest";
import Docker from "dockerode";
import { createNetworks, usedSlots } from "./networks.js";
import { sweep } from "./sweep.js";
import { newRunId } from "../util/run-id.js";
import { currentProcess } from "../util/process-identity.js";
import { LABEL, PROJECT, labelFilter } from "./labels.js";
import { SLOT_COUNT } from "./plan.js";

const docker = new Docker();
const me = currentProcess();
const labels = (run: string) => ({
  [LABEL.project]: PROJECT,
  [LABEL.run]: run,
  [LABEL.host]: me.host,
  [LABEL.pid]: String(me.pid),
  [LABEL.pidStart]: me.start,
});

describe("slot allocation", () => {
  it("a slot taken by another run is skipped on 'Pool overlaps', leaving that run's networks alone", async () => {
    const a = newRunId("t");
    const b = newRunId("t");
    try {
      const used = await usedSlots(docker);
      const free = [...Array(SLOT_COUNT).keys()].filter((s) => s > 0 && !used.has(s));
      const first = await createNetworks(docker, { runId: a, labels: labels(a), slot: free[0] });
      const second = await createNetworks(docker, {
        runId: b,
        labels: labels(b),
        candidates: [free[0], free[1]],
      });
      expect(second.plan.slot).toBe(free[1]);
      expect((await docker.listNetworks({ filters: labelFilter(a) })).length).toBe(4);
      expect((await docker.listNetworks({ filters: labelFilter(b) })).length).toBe(4);
      expect(first.plan.slot).toBe(free[0]);
      await expect(
        createNetworks(docker, { runId: newRunId("t"), labels: labels("x"), slot: free[0] }),
      ).rejects.toMatchObject({ code: "RUNTIME" });
    } finally {
      await sweep(docker, { all: true, runIds: [a, b] });
    }
  });

  it("two runs started at the same moment get different slots", async () => {
    const ids = [newRunId("t"), newRunId("t")];
    try {
      const [x, y] = await Promise.all(
        ids.map((id) => createNetworks(docker, { runId: id, labels: labels(id) })),
      );
      expect(x.plan.slot).not.toBe(y.plan.slot);
    } finally {
      await sweep(docker, { all: true, runIds: ids });
    }
  });
});

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { currentProcess, liveness } from "./process-identity.js";

describe("process identity", () => {
  it("this process is alive", () => {
    expect(liveness(currentProcess())).toBe("alive");
  });

  it("an exited child is dead", () => {
    const r = spawnSync(process.execPath, ["-e", "0"]);
    expect(liveness({ ...currentProcess(), pid: r.pid! })).toBe("dead");
  });

  it("a recycled pid (other start time) is dead", () => {
    expect(liveness({ ...currentProcess(), start: "1" })).toBe("dead");
  });

  it("another host's run is unknown, never dead", () => {
    expect(liveness({ host: "elsewhere", pid: 1, start: "" })).toBe("unknown");
  });
});

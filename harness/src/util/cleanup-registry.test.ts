import { describe, expect, it } from "vitest";
import { CleanupRegistry } from "./cleanup-registry.js";

describe("CleanupRegistry", () => {
  it("stops everything, newest first, and survives one failure", async () => {
    const r = new CleanupRegistry();
    const order: string[] = [];
    r.add({ stop: async () => void order.push("a") });
    r.add({ stop: async () => Promise.reject(new Error("b failed")) });
    r.add({ stop: async () => void order.push("c") });
    await expect(r.stopAll()).rejects.toThrow("1 cleanup(s) failed");
    expect(order).toEqual(["c", "a"]);
    expect(r.size).toBe(0);
  });

  it("first signal cleans up then exits 130; a second exits at once", async () => {
    const r = new CleanupRegistry();
    const exits: number[] = [];
    let release!: () => void;
    r.add({ stop: () => new Promise<void>((res) => (release = res)) });
    r.installSignalHandlers({ exit: (c) => exits.push(c), log: () => undefined });
    try {
      process.emit("SIGINT", "SIGINT");
      expect(exits).toEqual([]);
      process.emit("SIGINT", "SIGINT");
      expect(exits).toEqual([130]);
      release();
      await r.stopAll();
      await new Promise((res) => setImmediate(res));
      expect(exits).toEqual([130, 130]);
    } finally {
      r.uninstallSignalHandlers();
    }
  });
});

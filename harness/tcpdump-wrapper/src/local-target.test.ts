import { describe, expect, it } from "vitest";
import { localExec } from "./local-target.js";

describe("localExec", () => {
  it("gives the exit status and both outputs", async () => {
    expect(
      await localExec(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], { timeoutMs: 5_000 }),
    ).toEqual({
      exitCode: 3,
      stdout: "out\n",
      stderr: "err\n",
    });
  });

  it("a command that outlasts timeoutMs is killed and rejects with TIMEOUT", async () => {
    const t0 = Date.now();
    await expect(localExec(["sleep", "10"], { timeoutMs: 200 })).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("a command killed by a signal of its own is an exit status 128 + the signal, not a time-out", async () => {
    expect(await localExec(["/bin/sh", "-c", "kill -KILL $$"], { timeoutMs: 5_000 })).toMatchObject({
      exitCode: 137,
    });
  });

  it("a command that does not exist rejects with EXEC_FAILED naming it", async () => {
    await expect(localExec(["no-such-command-x"], { timeoutMs: 5_000 })).rejects.toMatchObject({
      code: "EXEC_FAILED",
      message: expect.stringContaining("no-such-command-x"),
    });
  });
});

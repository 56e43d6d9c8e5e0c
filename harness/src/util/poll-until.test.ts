import { describe, expect, it } from "vitest";
import { pollUntil, PollAbort, withTimeout } from "./poll-until.js";
import { BacksideError } from "../errors.js";

describe("pollUntil", () => {
  it("returns the first truthy value", async () => {
    let n = 0;
    await expect(
      pollUntil(async () => (++n >= 3 ? n : undefined), { what: "n", timeoutMs: 2000, intervalMs: 1 }),
    ).resolves.toBe(3);
  });

  it("throws TIMEOUT with the last probe error as the reason", async () => {
    const t0 = Date.now();
    const e = await pollUntil(
      async () => {
        throw new Error("not yet: eth1 missing");
      },
      { what: "eth1", timeoutMs: 120, intervalMs: 10 },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BacksideError);
    expect((e as BacksideError).code).toBe("TIMEOUT");
    expect((e as BacksideError).message).toContain("eth1 missing");
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("PollAbort ends the wait at once with its error", async () => {
    const boom = new BacksideError("RUNTIME", "exited");
    await expect(
      pollUntil(
        async () => {
          throw new PollAbort(boom);
        },
        { what: "x", timeoutMs: 10_000 },
      ),
    ).rejects.toBe(boom);
  });

  it("withTimeout rejects with TIMEOUT", async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, "never")).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });
});

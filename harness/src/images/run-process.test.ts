import { describe, expect, it } from "vitest";
import { runProcess } from "./run-process.js";

describe("runProcess", () => {
  it("passes arguments with spaces and quotes through unchanged", async () => {
    const r = await runProcess("printf", ["%s|", "a b", "it's", "$HOME"], {
      timeoutMs: 10_000,
      what: "printf",
    });
    expect(r.stdout).toBe("a b|it's|$HOME|");
  });

  it("turns a failing exit into RUNTIME with the last stderr line", async () => {
    const e = await runProcess("sh", ["-c", "echo first >&2; echo 'the real reason' >&2; exit 3"], {
      timeoutMs: 10_000,
      what: "a step",
    }).catch((x) => x);
    expect(e.code).toBe("RUNTIME");
    expect(e.message).toBe("a step failed (exit 3): the real reason");
  });

  it("bounds a step by its time limit", async () => {
    const e = await runProcess("sleep", ["30"], { timeoutMs: 300, what: "a slow step" }).catch((x) => x);
    expect(e.code).toBe("TIMEOUT");
  });

  it("says a missing program is an environment problem", async () => {
    const e = await runProcess("backside-no-such-program", [], { timeoutMs: 10_000, what: "a step" }).catch(
      (x) => x,
    );
    expect(e.code).toBe("ENVIRONMENT");
  });
});

import { describe, expect, it } from "vitest";
import { untilReached } from "./drive-requests.js";
import type { RequestOutcome } from "./result-types.js";

const ok = (index: number): RequestOutcome => ({ index, status: 200, exitCode: 0, seconds: 0.1 });
const gatewayError = (index: number): RequestOutcome => ({ index, status: 500, exitCode: 0, seconds: 2 });
const curlTimeout = (index: number): RequestOutcome => ({ index, status: 0, exitCode: 28, seconds: 5 });

describe("untilReached", () => {
  it("needs both counts: failures (a 5xx or no answer) and successes", () => {
    const until = { failed: 2, succeeded: 2 };
    expect(untilReached([ok(0), ok(1), ok(2)], until)).toBe(false);
    expect(untilReached([gatewayError(0), curlTimeout(1), ok(2)], until)).toBe(false);
    expect(untilReached([gatewayError(0), curlTimeout(1), ok(2), ok(3)], until)).toBe(true);
  });

  it("is never reached without an until", () => {
    expect(untilReached([ok(0), gatewayError(1)], undefined)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { parseLogLine } from "../appliance/index.js";
import { matchEvent } from "./log-evidence.js";

const line = (s: string) => {
  const e = parseLogLine(s);
  if (!e) throw new Error(`not a log line: ${s}`);
  return e;
};

describe("matching log lines to catalog events", () => {
  it("reads parameters back out of our own event's template", () => {
    const m = matchEvent(
      line(
        "20261125T020000.000Z [0x8b530013][network][error] mpgw(B): tid(7): Connect to 10.100.2.10:80 timed out after 3000 ms (ETIMEDOUT)",
      ),
    );
    expect(m?.event).toBe("connectTimedOut");
    expect(m?.params).toMatchObject({ address: "10.100.2.10", port: "80", errno: "ETIMEDOUT" });
  });
  it("reads IBM's public wording with no code by its text", () => {
    expect(
      matchEvent(
        line(
          "20170322T223149Z [mpgw][error] mpgw(T): tid(1): DNS Callback cannot resolve host 'api.example': returning error",
        ),
      )?.params.host,
    ).toBe("api.example");
    expect(
      matchEvent(
        line("Wed Apr 07 2010 08:36:09 [mpgw][error] mpgw(test): tid(2899): Network Error on Back interface"),
      )?.event,
    ).toBe("backNetworkError");
  });
  it("ignores management events", () => {
    expect(
      matchEvent(
        line("20200505T203853.858Z [0x00350014][mgmt][notice] mpgw(e): tid(111): Operational state up"),
      ),
    ).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { parseLog, parseLogLine } from "../appliance/index.js";
import { logEvidence, matchEvent } from "./log-evidence.js";

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

describe("matching hostile log lines", () => {
  // 20 s of CPU with the template as a regex of adjacent lazy groups (`id (.*?) ... from (.*?)`).
  it("a DNS answer line repeating 'from' 300 times is matched in linear time", () => {
    const msg = `DNS answer id 7 A api.example ${"from ".repeat(300)}`;
    const t0 = performance.now();
    const m = matchEvent(line(`20261125T020000.000Z [mpgw][debug] mpgw(B): tid(7): ${msg}`));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(m).toBeUndefined();
  });
  it("template scanning reads the same parameters a lazy regex would", () => {
    const m = matchEvent(
      line(
        "20261125T020000.000Z [mpgw][debug] mpgw(B): tid(7): DNS answer id 12 A api.example from fe80::53:53/udp: rcode 0 answers [10.0.0.1] ttl 30 in 2 ms",
      ),
    );
    expect(m?.event).toBe("dnsAnswer");
    expect(m?.params).toMatchObject({
      id: "12",
      qtype: "A",
      name: "api.example",
      server: "fe80",
      port: ":53:53",
    });
  });
  it("a line holding only an event code still gives a statement", () => {
    const ev = logEvidence(
      parseLog("20261125T020000.000Z [0x8b530013][network][error] mpgw(B): tid(7):\n"),
      "x.log",
    );
    expect(ev.facts).toHaveLength(1);
    expect(ev.facts[0].ev.statement.trim()).not.toBe("");
  });
});

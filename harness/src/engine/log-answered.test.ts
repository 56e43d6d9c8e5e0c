import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose.js";
import { backendAnswered } from "./log-answered.js";

const dir = mkdtempSync(join(tmpdir(), "engine-answered-"));
const logOf = (name: string, lines: string[]) => {
  const p = join(dir, name);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
};

describe("log lines that show the backend answered", () => {
  it("a quoted response header is an answer; the appliance's 'N/A' is none", () => {
    expect(backendAnswered("Backside header ('HTTP/1.1 302 Found') failed to parse due to: x")).toMatch(
      /302/,
    );
    expect(
      backendAnswered(
        "Backside header ('N/A') failed to parse due to: Failed to establish a backside connection",
      ),
    ).toBeUndefined();
  });
  it("a status, a redirect or an unparsable response from the backend is an answer", () => {
    expect(backendAnswered("HTTP response code 500 for url 'http://b/x'")).toMatch(/500/);
    expect(backendAnswered("Redirect from backend 'http://b/' not followed")).toMatch(/redirect/);
    expect(backendAnswered("Response from backside 'http://b/' could not be parsed: bad header")).toMatch(
      /could not parse/,
    );
    expect(backendAnswered("Connection refused by 10.0.0.5:80 (ECONNREFUSED)")).toBeUndefined();
    expect(backendAnswered("Returned HTTP 500 to 10.0.0.20: no-response")).toBeUndefined();
  });
  it("stays linear on a long line of its own words", () => {
    const t = performance.now();
    backendAnswered("response ".repeat(20_000) + "backside");
    backendAnswered("Backside header ('" + "x".repeat(100_000));
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe("a log whose failure came after the backend answered", () => {
  it("a header the gateway could not parse, trailed by the generic line, is no connect failure", async () => {
    const d = await diagnose({
      logs: [
        logOf("header.log", [
          "20240101T100000.000Z [0x80e0052b][mpgw][error] mpgw(GW): tid(1234)[10.0.0.5]: Backside header ('HTTP/1.1 302 Found') failed to parse due to: Failed to establish a backside connection",
        ]),
      ],
    });
    expect(d.cause).toBe("healthy");
    expect(d.evidence[0].statement).toMatch(/302/);
  });
  it("a redirect refused and an unparsable response: the connection worked", async () => {
    const d = await diagnose({
      logs: [
        logOf("redirect.log", [
          "Wed Mar 22 2017 22:31:49 [0x80e00999][mpgw][error] mpgw(T): tid(3888)[error][9.1.1.1]: HTTP response code 302 for 'http://backend/x': redirect not followed",
          "Wed Mar 22 2017 22:31:50 [0x80e003b1][mpgw][error] mpgw(T): tid(3890)[error][9.1.1.1]: Response from backside 'http://backend/x' could not be parsed",
          "Wed Mar 22 2017 22:31:50 [0x01130006][mpgw][error] mpgw(T): tid(3890)[error][9.1.1.1]: Failed to establish a backside connection",
        ]),
      ],
    });
    expect(d.cause).toBe("healthy");
  });
  it("a connect failure in another transaction still decides", async () => {
    const d = await diagnose({
      logs: [
        logOf("mixed.log", [
          "20261125T020000.000Z [0x80e00999][mpgw][error] mpgw(B): tid(6): HTTP response code 500 for 'http://b/x'",
          "20261125T020001.000Z [0x8b530010][network][error] mpgw(B): tid(7): Connection refused by 10.100.2.10:80 (ECONNREFUSED)",
          "20261125T020001.000Z [0x01130006][mpgw][error] mpgw(B): tid(7): Failed to establish a backside connection",
        ]),
      ],
    });
    expect(d.cause).toBe("tcp.refused");
  });
  it("a line with a code the catalog does not know is kept as text, never read as a cause", async () => {
    const d = await diagnose({
      logs: [
        logOf("unknown.log", [
          "Wed Mar 22 2017 22:31:49 [0x80e00999][mpgw][error] mpgw(T): tid(3889)[error][9.1.1.1]: url-open: Remote error on url 'http://backend/x': connection timed out",
        ]),
      ],
    });
    expect(d.cause).toBe("healthy");
    expect(d.confidence).toBe("low");
    expect(d.problems.join("\n")).toMatch(/0x80e00999: url-open: Remote error.*connection timed out/);
  });
});

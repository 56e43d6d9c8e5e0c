/** The headers log transports put in front of a gateway's line, as the fixtures under foreign/ carry them. */
import { describe, expect, it } from "vitest";
import { unwrapSyslog, withYear } from "./syslog-prefix.js";

const NGINX = "2026/12/01 20:25:38 [error] 23102#23102: *47 connect() failed (111: Connection refused)";

describe("unwrapSyslog", () => {
  it("takes off nginx's RFC 3164 header (host and tag) and keeps its time without a year", () => {
    const u = unwrapSyslog(`<187>Dec  1 20:25:38 vm nginx: ${NGINX}`);
    expect(u.text).toBe(NGINX);
    expect(u.yearless).toBe(true);
    expect(new Date(withYear(u, 2026)).toISOString()).toBe("2026-12-01T20:25:38.000Z");
  });

  it("takes off HAProxy's RFC 3164 header, which has no host name", () => {
    const u = unwrapSyslog(
      "<129>Dec  1 20:25:35 haproxy[23297]: Server be/a is DOWN, reason: Layer4 timeout",
    );
    expect(u.text).toBe("Server be/a is DOWN, reason: Layer4 timeout");
  });

  it("reads RFC 5424 with its full time", () => {
    const u = unwrapSyslog("<134>1 2026-12-01T20:25:54.654464+00:00 - haproxy 23297 - - Server be/a is DOWN");
    expect(u.text).toBe("Server be/a is DOWN");
    expect(u.time).toBe(Date.parse("2026-12-01T20:25:54.654Z"));
    expect(u.yearless).toBe(false);
  });

  it("takes off HAProxy's short priority, its stderr tag and an ISO time", () => {
    expect(unwrapSyslog("<6>127.0.0.1:47606 [01/Dec/2026:20:25:51.814] fe be/s1").text).toBe(
      "127.0.0.1:47606 [01/Dec/2026:20:25:51.814] fe be/s1",
    );
    expect(unwrapSyslog("[WARNING]  (23297) : Server be/s1 is DOWN").text).toBe("Server be/s1 is DOWN");
    const iso = unwrapSyslog("2026-12-01T09:42:45.049785+00:00 be/srv changed its IP");
    expect(iso.text).toBe("be/srv changed its IP");
    expect(iso.time).toBe(Date.parse("2026-12-01T09:42:45.049Z"));
  });

  it("leaves a line with no header as it is", () => {
    const u = unwrapSyslog(NGINX);
    expect(u.text).toBe(NGINX);
    expect(Number.isNaN(u.time)).toBe(true);
  });
});

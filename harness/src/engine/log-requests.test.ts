/** Joining nginx's error-log failures to their requests in the access log (lines as nginx 1.22.1 writes them). */
import { describe, expect, it } from "vitest";
import { readNginxLog } from "./dialects/nginx-log.js";
import type { LogFact } from "./log-evidence.js";
import { joinRequests } from "./log-requests.js";

const refused = (conn: number) =>
  `2026/12/01 20:25:38 [error] 23102#23102: *${conn} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "GET / HTTP/1.1", upstream: "http://10.198.2.10:81/", host: "127.0.0.1:8017"`;
const access = (status: number, at = "20:25:38") =>
  `127.0.0.1 - - [01/Dec/2026:${at} +0000] "GET / HTTP/1.1" ${status} 3 "-" "curl/7.88.1"`;

function groups(errorLog: string[], accessLog: string[]): LogFact[][] {
  const by = new Map<string, LogFact[]>();
  for (const [src, lines] of [
    ["error.log", errorLog],
    ["access.log", accessLog],
  ] as const)
    for (const f of readNginxLog(lines.join("\n"), src).facts) {
      const k = f.entry.tid ? `${src}:${f.entry.tid}` : `${src}:0:${f.entry.line}`;
      by.set(k, [...(by.get(k) ?? []), f]);
    }
  return [...by.values()];
}

describe("joinRequests", () => {
  it("a failure whose request the access log shows served is served", () => {
    const out = joinRequests(groups([refused(10)], [access(200)]));
    expect(out).toHaveLength(1);
    expect(out[0].served).toBe(true);
    expect(out[0].facts.map((f) => f.event)).toEqual(
      expect.arrayContaining(["connectRefused", "responseSent"]),
    );
  });

  it("a request the access log shows failing claims a failure before a served one does", () => {
    const out = joinRequests(groups([refused(10), refused(11)], [access(200), access(502)]));
    expect(out.filter((g) => g.served)).toHaveLength(1);
    const failed = out.find((g) => g.facts.some((f) => f.event === "errorResponseSent"));
    expect(failed?.facts.map((f) => f.event)).toContain("connectRefused");
    expect(failed?.served).toBe(false);
  });

  it("a failure far from any request of its client stays on its own", () => {
    const out = joinRequests(groups([refused(10)], [access(200, "20:27:00")]));
    expect(out).toHaveLength(2);
    expect(out.every((g) => !g.served)).toBe(true);
  });
});

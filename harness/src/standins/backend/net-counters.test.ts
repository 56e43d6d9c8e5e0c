import { describe, expect, it } from "vitest";
import { listenCounters, parseNetstat, readListenCounters } from "./net-counters.js";

const SAMPLE = [
  "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops",
  "TcpExt: 0 0 12 14",
  "IpExt: InNoRoutes InTruncatedPkts",
  "IpExt: 0 0",
  "",
].join("\n");

describe("/proc/net/netstat counters", () => {
  it("pairs each header line with its value line", () => {
    expect(parseNetstat(SAMPLE)).toEqual({
      TcpExt: { SyncookiesSent: 0, SyncookiesRecv: 0, ListenOverflows: 12, ListenDrops: 14 },
      IpExt: { InNoRoutes: 0, InTruncatedPkts: 0 },
    });
    expect(listenCounters(SAMPLE)).toEqual({ listenOverflows: 12, listenDrops: 14 });
  });

  it("says BAD_ARTIFACT when the counter is missing", () => {
    expect(() => listenCounters("IpExt: A\nIpExt: 1\n")).toThrowError(
      expect.objectContaining({ code: "BAD_ARTIFACT" }),
    );
  });

  it("reads this namespace's counters (Linux)", async () => {
    const c = await readListenCounters();
    expect(c.listenOverflows).toBeGreaterThanOrEqual(0);
  });
});

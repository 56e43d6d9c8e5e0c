import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DnsConfig } from "../../appliance/types.js";
import { GatewayLogger } from "./gateway-logger.js";
import { ResolveError, Resolver } from "./resolver.js";
import { createSocket } from "node:dgram";
import { startTestDns, type TestDns } from "./test-peers.js";

/** A UDP port that was just free: bound then released, so datagrams to it get ICMP port unreachable. */
function closedUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

let good: TestDns;
let silent: TestDns;
let failing: TestDns;

beforeAll(async () => {
  const records = {
    "www.test": { a: ["127.0.0.10"], aaaa: ["::1"], ttl: 300 },
    "alias.test": { cname: { target: "www.test", ttl: 30 }, a: ["127.0.0.10"], ttl: 300 },
    "app.corp.test": { a: ["127.0.0.11"], ttl: 60 },
    "v4only.test": { a: ["127.0.0.12"], ttl: 60 },
    "big.test": { a: ["127.0.0.13"], ttl: 60, truncateUdp: true },
  };
  good = await startTestDns(records);
  silent = await startTestDns(Object.fromEntries(Object.keys(records).map((k) => [k, { silent: true }])));
  failing = await startTestDns(Object.fromEntries(Object.keys(records).map((k) => [k, { rcode: 2 }])));
});
afterAll(async () => {
  await Promise.all([good.close(), silent.close(), failing.close()]);
});

function resolver(servers: TestDns[], more: Partial<DnsConfig> = {}): { r: Resolver; log: GatewayLogger } {
  const cfg: DnsConfig = {
    servers: servers.map((s) => ({ address: "127.0.0.1", udpPort: s.port, tcpPort: s.tcpPort, retries: 0 })),
    loadBalance: "first-alive",
    searchDomains: [],
    staticHosts: [],
    ipPreference: 4,
    forceIpPreference: false,
    timeoutSeconds: 0.3,
    ...more,
  };
  const log = new GatewayLogger({
    level: "debug",
    file: null,
    stdout: false,
    domain: "default",
    keepLines: 1000,
    objectName: "TEST_MPGW",
  });
  return { r: new Resolver(() => cfg, log), log };
}

describe("Resolver", () => {
  it("asks A and AAAA and puts the preferred family first", async () => {
    const { r } = resolver([good]);
    expect((await r.resolve("www.test")).addresses).toEqual(["127.0.0.10", "::1"]);
    const six = resolver([good], { ipPreference: 6 }).r;
    expect((await six.resolve("www.test")).addresses).toEqual(["::1", "127.0.0.10"]);
  });

  it("asks only the preferred family when it is forced", async () => {
    const before = good.queries.length;
    const { r } = resolver([good], { forceIpPreference: true });
    expect((await r.resolve("www.test")).addresses).toEqual(["127.0.0.10"]);
    expect(good.queries.slice(before).map((q) => q.type)).toEqual([1]);
  });

  it("caches for the smaller of the CNAME and address TTLs (APAR IC86912)", async () => {
    const { r } = resolver([good], { forceIpPreference: true });
    const res = await r.resolve("alias.test");
    expect(res).toMatchObject({ addresses: ["127.0.0.10"], ttl: 30, source: "dns" });
    expect(r.cache.entries()[0].ttlRemaining).toBeLessThanOrEqual(30);
    expect((await r.resolve("alias.test")).source).toBe("cache");
  });

  it("tries search domains for a name without a dot", async () => {
    const { r } = resolver([good], { searchDomains: ["corp.test"], forceIpPreference: true });
    expect(await r.resolve("app")).toMatchObject({ host: "app.corp.test", addresses: ["127.0.0.11"] });
  });

  it("answers static hosts and address literals without a query", async () => {
    const before = good.queries.length;
    const { r } = resolver([good], { staticHosts: [{ hostname: "pinned.test", address: "127.0.0.99" }] });
    expect(await r.resolve("pinned.test")).toMatchObject({ addresses: ["127.0.0.99"], source: "static" });
    expect(await r.resolve("127.0.0.5")).toMatchObject({ addresses: ["127.0.0.5"], source: "literal" });
    expect(good.queries.length).toBe(before);
  });

  it("first-alive moves to the next server after a timeout and logs it", async () => {
    const { r, log } = resolver([silent, good], { forceIpPreference: true });
    const t0 = Date.now();
    expect((await r.resolve("v4only.test")).addresses).toEqual(["127.0.0.12"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(log.text()).toMatch(
      new RegExp(`DNS query id \\d+ A v4only.test to 127.0.0.1:${silent.port} timed out after \\d+ ms`),
    );
    // The silent server is now marked down: the next resolution goes straight to the good one.
    r.cache.flush();
    const t1 = Date.now();
    await r.resolve("v4only.test");
    expect(Date.now() - t1).toBeLessThan(250);
  });

  it("takes an ICMP port unreachable from a closed name server port as ECONNREFUSED and moves on", async () => {
    const { log } = resolver([good], { forceIpPreference: true });
    const closed = await closedUdpPort();
    const r2 = new Resolver(
      () => ({
        servers: [
          { address: "127.0.0.1", udpPort: closed, tcpPort: closed, retries: 2 },
          { address: "127.0.0.1", udpPort: good.port, tcpPort: good.tcpPort, retries: 0 },
        ],
        loadBalance: "first-alive",
        searchDomains: [],
        staticHosts: [],
        ipPreference: 4,
        forceIpPreference: true,
        timeoutSeconds: 2,
      }),
      log,
    );
    const t0 = Date.now();
    expect((await r2.resolve("v4only.test")).addresses).toEqual(["127.0.0.12"]);
    expect(Date.now() - t0).toBeLessThan(1500); // no waiting for the 2 s timeout
    expect(log.text()).toMatch(
      new RegExp(`DNS query id \\d+ A v4only.test to 127.0.0.1:${closed}/udp failed: ECONNREFUSED`),
    );
  });

  it("round-robin starts each resolution at the next server", async () => {
    const { r } = resolver([good, failing], { loadBalance: "round-robin", forceIpPreference: true });
    const f0 = failing.queries.length;
    const g0 = good.queries.length;
    await r.resolve("v4only.test");
    r.cache.flush();
    await r.resolve("v4only.test");
    expect(failing.queries.length - f0).toBe(1); // second resolution began at the failing server, then moved on
    expect(good.queries.length - g0).toBe(2);
  });

  it("repeats a truncated UDP answer's question over TCP (RFC 1035 4.2.2)", async () => {
    const { r, log } = resolver([good], { forceIpPreference: true });
    expect((await r.resolve("big.test")).addresses).toEqual(["127.0.0.13"]);
    expect(good.queries.filter((q) => q.name === "big.test").map((q) => q.transport)).toEqual(["udp", "tcp"]);
    expect(log.text()).toMatch(/DNS answer id \d+ A big.test from 127.0.0.1 truncated, retrying over TCP/);
    expect(log.text()).toMatch(
      new RegExp(
        `DNS answer id \\d+ A big.test from 127.0.0.1:${good.tcpPort}/tcp: rcode 0 answers \\[127.0.0.13\\]`,
      ),
    );
  });

  it("reports NXDOMAIN, SERVFAIL, NODATA, no response and no servers as distinct reasons", async () => {
    const reason = async (r: Resolver, h: string) =>
      ((await r.resolve(h).catch((e: unknown) => e)) as ResolveError).reason;
    expect(await reason(resolver([good]).r, "missing.test")).toBe("NXDOMAIN");
    expect(await reason(resolver([failing]).r, "www.test")).toBe("SERVFAIL");
    expect(
      await reason(resolver([good], { ipPreference: 6, forceIpPreference: true }).r, "v4only.test"),
    ).toBe("NODATA");
    expect(await reason(resolver([silent]).r, "www.test")).toBe("NO_RESPONSE");
    expect(await reason(resolver([]).r, "www.test")).toBe("NOT_CONFIGURED");
  });
});

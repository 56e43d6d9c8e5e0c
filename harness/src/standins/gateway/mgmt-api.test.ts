import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseErrorReport } from "../../appliance/error-report.js";
import type { GatewayConfigInput } from "./config.js";
import { startGateway } from "./gateway.js";
import { closedPort, startHttpBackend, startTestDns, type TestBackend, type TestDns } from "./test-peers.js";

let dns: TestDns;
let be: TestBackend;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "backside-mgmt-"));
  dns = await startTestDns({ "backend.test": { a: ["127.0.0.1"], ttl: 90 } });
  be = await startHttpBackend();
});
afterAll(async () => {
  await be.close();
  await dns.close();
  rmSync(tmp, { recursive: true, force: true });
});

function config(backendUrl: string, extra: Partial<GatewayConfigInput> = {}): GatewayConfigInput {
  return {
    service: { frontAddress: "127.0.0.1", frontPort: 0, backendUrl, backTimeout: 2, connectTimeout: 1 },
    dns: {
      servers: [{ address: "127.0.0.1", udpPort: dns.port, tcpPort: dns.tcpPort, retries: 1 }],
      timeout: 0.5,
      searchDomains: ["corp.test"],
      staticHosts: [{ hostname: "pinned.test", address: "127.0.0.9" }],
    },
    log: { level: "debug", file: null, stdout: false },
    mgmt: { address: "127.0.0.1", port: 0 },
    errorReport: { dir: join(tmp, "reports") },
    capture: { dir: join(tmp, "captures") },
    ...extra,
  };
}

async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any; text: string }> {
  const r = await fetch(base + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text };
}

describe("management API", () => {
  it("reads and sets the log level, naming the bad field on a wrong value", async () => {
    await using gw = await startGateway(config(`http://backend.test:${be.port}/`));
    const m = gw.mgmtUrl!;
    expect((await api(m, "GET", "/mgmt/log-level")).json).toEqual({ level: "debug" });
    expect((await api(m, "PUT", "/mgmt/log-level", { level: "error" })).json).toEqual({ level: "error" });
    const bad = await api(m, "PUT", "/mgmt/log-level", { level: "loud" });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^level: /);
    expect((await api(m, "GET", "/mgmt/nothing")).status).toBe(404);
    expect((await api(m, "GET", "/mgmt/log")).text).toMatch(
      /\[0x8b55[0-9a-f]{4}\]\[mgmt\]\[notice\] mgmt\(default\): tid\(0\): Log target level changed to error/,
    );
  });

  it("answers the troubleshooting tools: DNS settings, a lookup at the name server, routes, ARP", async () => {
    await using gw = await startGateway(config(`http://backend.test:${be.port}/`));
    const m = gw.mgmtUrl!;
    const d = (await api(m, "GET", "/mgmt/dns")).json;
    expect(d.serverStatus).toEqual([{ address: "127.0.0.1", port: dns.port, status: "up" }]);
    expect(d.staticHosts).toEqual([{ hostname: "pinned.test", address: "127.0.0.9" }]);
    const ok = (await api(m, "POST", "/mgmt/nslookup", { name: "backend.test" })).json;
    expect(ok).toMatchObject({
      name: "backend.test",
      server: "127.0.0.1",
      status: "NOERROR",
      addresses: ["127.0.0.1"],
      ttl: 90,
    });
    const nx = (await api(m, "POST", "/mgmt/nslookup", { name: "missing.test" })).json;
    expect(nx).toMatchObject({ status: "NXDOMAIN", addresses: [] });
    // A lookup is not a resolution by the service: the cache stays empty.
    expect((await api(m, "GET", "/mgmt/dns-cache")).json.entries).toEqual([]);
    expect((await api(m, "POST", "/mgmt/nslookup", {})).status).toBe(400);
    const routes = (await api(m, "GET", "/mgmt/routes")).json;
    expect(Array.isArray(routes.routes)).toBe(true);
    expect(routes.interfaces.some((i: { name: string }) => i.name === "lo")).toBe(true);
    expect(Array.isArray((await api(m, "GET", "/mgmt/arp")).json.entries)).toBe(true);
    expect((await api(m, "POST", "/mgmt/ping", { host: "x", count: 7 })).status).toBe(400);
  });

  it("shows and flushes the DNS cache, tests TCP connections, changes the config", async () => {
    await using gw = await startGateway(config(`http://backend.test:${be.port}/`));
    const m = gw.mgmtUrl!;
    expect((await fetch(gw.frontUrl + "/")).status).toBe(200);
    expect((await api(m, "GET", "/mgmt/dns-cache")).json.entries).toEqual([
      { host: "backend.test", addresses: ["127.0.0.1"], ttlRemaining: expect.any(Number) },
    ]);
    expect((await api(m, "DELETE", "/mgmt/dns-cache")).json).toEqual({ flushed: 1 });
    expect((await api(m, "GET", "/mgmt/dns-cache")).json.entries).toEqual([]);

    const ok = await api(m, "POST", "/mgmt/tcp-connection-test", {
      host: "backend.test",
      port: be.port,
      timeoutSeconds: 1,
    });
    expect(ok.json).toMatchObject({ success: true, address: "127.0.0.1" });
    const port = await closedPort();
    const refused = await api(m, "POST", "/mgmt/actionqueue/default", {
      TCPConnectionTest: { RemoteHost: "127.0.0.1", RemotePort: port, Timeout: 1 },
    });
    expect(refused.json).toMatchObject({
      TCPConnectionTest: "TCP connection failed: ECONNREFUSED",
      result: { success: false, kind: "refused" },
    });
    const nx = await api(m, "POST", "/mgmt/tcp-connection-test", { host: "nosuch", port: 80 });
    expect(nx.json).toMatchObject({ success: false, kind: "dns", errno: "NXDOMAIN" });

    const changed = await api(m, "PATCH", "/mgmt/config", { service: { backTimeout: 7 } });
    expect(changed.json.service).toMatchObject({
      backTimeout: 7,
      backendUrl: `http://backend.test:${be.port}/`,
    });
    const bad = await api(m, "PATCH", "/mgmt/config", { service: { backendUrl: "gopher://x" } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/service.backendUrl/);
    expect((await api(m, "PATCH", "/mgmt/config", { service: { frontPort: 1 } })).status).toBe(400);
    expect((await api(m, "GET", "/mgmt/tcp-table")).json.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ localPort: gw.frontPort, state: "listen", serviceName: "TEST_MPGW" }),
      ]),
    );
  });

  it("makes an error report through the action queue whose parse round-trips the live facts", async () => {
    const port = await closedPort();
    await using gw = await startGateway(config(`http://backend.test:${port}/`));
    const m = gw.mgmtUrl!;
    expect((await fetch(gw.frontUrl + "/")).status).toBe(500);
    const made = await api(m, "POST", "/mgmt/actionqueue/default", { ErrorReport: {} });
    expect(made.json).toMatchObject({
      ErrorReport: "Operation completed.",
      file: join(tmp, "reports", "error-report.txt"),
    });
    const text = (await api(m, "GET", "/mgmt/error-report")).text;
    const r = parseErrorReport(text);
    expect(r.problems).toEqual([]);
    expect(r.dns).toEqual({
      servers: [{ address: "127.0.0.1", udpPort: dns.port, tcpPort: dns.tcpPort, retries: 1 }],
      loadBalance: "first-alive",
      searchDomains: ["corp.test"],
      staticHosts: [{ hostname: "pinned.test", address: "127.0.0.9" }],
      ipPreference: 4,
      forceIpPreference: false,
      timeoutSeconds: 0.5,
    });
    expect(r.dnsCache).toEqual([
      { host: "backend.test", addresses: ["127.0.0.1"], ttlRemaining: expect.any(Number) },
    ]);
    expect(r.dnsCache[0].ttlRemaining).toBeLessThanOrEqual(90);
    expect(r.objectStatus[0]).toMatchObject({
      name: "TEST_MPGW",
      className: "MultiProtocolGateway",
      opState: "up",
    });
    expect(r.objectStatus[0].errorCode).toMatch(
      /Failed to establish a backside connection: connect to 127.0.0.1:\d+ failed: ECONNREFUSED/,
    );
    expect(r.interfaces.map((i) => i.name)).toContain("lo");
    expect(r.interfaces.find((i) => i.name === "lo")!.addresses).toContain("127.0.0.1/8");
    expect(r.routes.length).toBeGreaterThan(0);
    expect(r.networkInfo).toMatch(/# ip addr/);
    expect(r.tcpTable).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          localIP: "127.0.0.1",
          localPort: gw.frontPort,
          state: "listen",
          serviceName: "TEST_MPGW",
        }),
      ]),
    );
    expect(r.runningConfig).toMatch(/mpgw "TEST_MPGW"[\s\S]*back-timeout 2\n/);
    expect(r.log.entries.map((e) => e.code)).toEqual(expect.arrayContaining(["0x80e00126", "0x01130006"]));
    expect(r.log.unknown).toEqual([]);
    expect(r.pcap).toBeUndefined();
  });

  it("makes an error report by itself on a backside failure when configured", async () => {
    const port = await closedPort();
    await using gw = await startGateway(
      config(`http://127.0.0.1:${port}/`, { errorReport: { onFailure: true, dir: join(tmp, "auto") } }),
    );
    expect(gw.lastErrorReport()).toBeUndefined();
    expect((await fetch(gw.frontUrl + "/")).status).toBe(500);
    const deadline = Date.now() + 5000;
    while (gw.lastErrorReport() === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(parseErrorReport(gw.lastErrorReport()!).log.entries.some((e) => e.code === "0x01130006")).toBe(
      true,
    );
  });
});

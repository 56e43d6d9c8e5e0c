import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLog } from "../../appliance/log-reader.js";
import type { GatewayConfigInput } from "./config.js";
import { startGateway, type StartedGateway } from "./gateway.js";
import {
  closedPort,
  makeSelfSignedCert,
  startHttpBackend,
  startSaturatedListener,
  startSilentBackend,
  startTestDns,
  startTlsBackend,
  type TestDns,
} from "./test-peers.js";

let dns: TestDns;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "backside-gw-"));
  dns = await startTestDns({ "backend.test": { a: ["127.0.0.1"], ttl: 60 } });
});
afterAll(async () => {
  await dns.close();
  rmSync(tmp, { recursive: true, force: true });
});

function config(
  backendUrl: string,
  more: Partial<GatewayConfigInput["service"]> = {},
  level: "debug" | "notice" = "debug",
): GatewayConfigInput {
  return {
    service: {
      frontAddress: "127.0.0.1",
      frontPort: 0,
      backendUrl,
      backTimeout: 2,
      connectTimeout: 1,
      ...more,
    },
    dns: {
      servers: [{ address: "127.0.0.1", udpPort: dns.port, tcpPort: dns.tcpPort, retries: 0 }],
      timeout: 0.5,
    },
    log: { level, file: join(tmp, "gateway.log"), stdout: false },
    mgmt: { enabled: false },
    errorReport: { dir: join(tmp, "reports") },
    capture: { dir: join(tmp, "captures") },
  };
}

async function call(gw: StartedGateway): Promise<{ status: number; body: string; ms: number }> {
  const t0 = Date.now();
  const r = await fetch(gw.frontUrl + "/api/x", { signal: AbortSignal.timeout(10_000) });
  return { status: r.status, body: await r.text(), ms: Date.now() - t0 };
}

const codes = (gw: StartedGateway) => parseLog(gw.logText()).entries.map((e) => e.code);
const messages = (gw: StartedGateway) => parseLog(gw.logText()).entries.map((e) => e.message);

describe("gateway stand-in on loopback", () => {
  it("healthy: resolves on the wire, connects, forwards, reuses the persistent connection and the DNS cache", async () => {
    const be = await startHttpBackend("hi");
    await using gw = await startGateway(config(`http://backend.test:${be.port}/base`));
    const r1 = await call(gw);
    const r2 = await call(gw);
    expect([r1.status, r1.body, r2.status]).toEqual([200, "hi", 200]);
    expect(be.requests[0].url).toBe("/base/api/x");
    expect(be.connections).toBe(1);
    const log = parseLog(gw.logText());
    expect(log.unknown).toEqual([]);
    expect(codes(gw)).not.toContain("0x01130006");
    const m = messages(gw).join("\n");
    expect(m).toMatch(new RegExp(`DNS query id \\d+ A backend.test to 127.0.0.1:${dns.port}/udp`));
    expect(m).toMatch(/DNS query id \d+ AAAA backend.test/);
    expect(m).toMatch(
      /DNS answer id \d+ A backend.test from 127.0.0.1:\d+\/udp: rcode 0 answers \[127.0.0.1\] ttl 60/,
    );
    expect(m).toContain(`Connecting to 127.0.0.1:${be.port} for 'backend.test'`);
    expect(m).toMatch(new RegExp(`Connected to 127.0.0.1:${be.port} from 127.0.0.1:\\d+`));
    expect(m).toMatch(/Reusing persistent connection/);
    expect(m).toMatch(/Sent \d+ bytes to 127.0.0.1/);
    expect(gw.dnsCache()).toEqual([
      { host: "backend.test", addresses: ["127.0.0.1"], ttlRemaining: expect.any(Number) },
    ]);
    await be.close();
  });

  it("without persistent connections a second request connects again and takes the address from the DNS cache", async () => {
    const be = await startHttpBackend("hi");
    await using gw = await startGateway(
      config(`http://backend.test:${be.port}/`, { persistentConnections: false }),
    );
    const before = dns.queries.filter((q) => q.name === "backend.test" && q.type === 1).length;
    expect((await call(gw)).status).toBe(200);
    gw.flushDnsCache();
    expect((await call(gw)).status).toBe(200);
    expect((await call(gw)).status).toBe(200);
    expect(dns.queries.filter((q) => q.name === "backend.test" && q.type === 1).length - before).toBe(2);
    expect(be.connections).toBe(3);
    const m = messages(gw).join("\n");
    expect(m).toMatch(/DNS cache hit 'backend.test': 127.0.0.1 \(ttl \d+ s left\)/);
    expect(m).toMatch(/DNS cache flushed \(1 entries\)/);
    expect(m).not.toMatch(/Reusing persistent connection/);
    await be.close();
  });

  it("DNS NXDOMAIN: the resolution failure family, no connect attempt, HTTP 500", async () => {
    await using gw = await startGateway(config("http://nosuch.test:80/"));
    const r = await call(gw);
    expect(r.status).toBe(500);
    expect(r.body).toContain("env:Fault");
    expect(codes(gw)).toContain("0x01130006");
    const m = messages(gw).join("\n");
    expect(m).toMatch(/DNS answer id \d+ A nosuch.test from 127.0.0.1:\d+\/udp: rcode 3/);
    expect(m).toContain("DNS Callback cannot resolve host 'nosuch.test': returning error");
    expect(m).toContain("Cannot resolve host 'nosuch.test': NXDOMAIN");
    expect(m).toContain("Failed to establish a connection to the server, URL: http://nosuch.test/");
    expect(m).not.toMatch(/Connecting to/);
  });

  it("at notice level logs the error family and none of the debug steps", async () => {
    await using gw = await startGateway(config("http://nosuch.test:80/", {}, "notice"));
    await call(gw);
    const entries = parseLog(gw.logText()).entries;
    expect(entries.map((e) => e.level)).not.toContain("debug");
    expect(entries.find((e) => e.code === "0x01130006")).toMatchObject({
      level: "error",
      category: "mpgw",
      objectType: "mpgw",
      objectName: "TEST_MPGW",
      domain: "default",
      clientIp: "127.0.0.1",
      txnType: "error",
    });
  });

  it("connection refused: ECONNREFUSED, 0x80e00126 and 0x01130006", async () => {
    const port = await closedPort();
    await using gw = await startGateway(config(`http://127.0.0.1:${port}/`));
    const r = await call(gw);
    expect(r.status).toBe(500);
    const m = messages(gw).join("\n");
    expect(m).toContain(`Connect to 127.0.0.1:${port} failed: ECONNREFUSED`);
    expect(m).toContain(`Connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(codes(gw)).toEqual(expect.arrayContaining(["0x80e00126", "0x01130006"]));
    expect(m).not.toMatch(/DNS query/); // an address literal needs no resolution
  });

  it("connect timeout: SYNs dropped by a full accept queue end in ETIMEDOUT after the connect timeout", async (ctx) => {
    const sat = await startSaturatedListener();
    if (!sat) return ctx.skip();
    try {
      await using gw = await startGateway(config(`http://127.0.0.1:${sat.port}/`, { connectTimeout: 0.5 }));
      const r = await call(gw);
      expect(r.status).toBe(500);
      expect(r.ms).toBeGreaterThanOrEqual(450);
      expect(r.ms).toBeLessThan(3000);
      const m = messages(gw).join("\n");
      expect(m).toMatch(new RegExp(`connect-timeout fired after \\d+ ms for 127.0.0.1:${sat.port}`));
      expect(m).toContain(`Connect to 127.0.0.1:${sat.port} timed out after 500 ms (ETIMEDOUT)`);
      expect(codes(gw)).toEqual(expect.arrayContaining(["0x80e00126", "0x01130006"]));
    } finally {
      await sat.close();
    }
  });

  it("no response after connect: back-timeout fires, 'Backside header' line, answer within the timeout", async () => {
    const be = await startSilentBackend();
    await using gw = await startGateway(config(`http://127.0.0.1:${be.port}/`, { backTimeout: 0.6 }));
    const r = await call(gw);
    expect(r.status).toBe(500);
    expect(r.ms).toBeGreaterThanOrEqual(550);
    expect(r.ms).toBeLessThan(3000);
    const m = messages(gw).join("\n");
    expect(m).toMatch(new RegExp(`Connected to 127.0.0.1:${be.port}`));
    expect(m).toMatch(/back-timeout fired after 600 ms/);
    expect(m).toContain(
      "Backside header ('N/A') failed to parse due to: Failed to establish a backside connection",
    );
    expect(m).toMatch(/Sent [1-9]\d* bytes/);
    expect(m).toContain(`Received 0 bytes from 127.0.0.1:${be.port}`);
    expect(codes(gw)).toContain("0x01130006");
    await be.close();
  });

  it("a backend that closes without answering is 'closed', one that resets is 'reset'", async () => {
    const closing = await startSilentBackend("close");
    const resetting = await startSilentBackend("reset");
    try {
      await using a = await startGateway(
        config(`http://127.0.0.1:${closing.port}/`, { persistentConnections: false }),
      );
      const ra = await fetch(a.frontUrl + "/");
      expect([ra.status, ra.headers.get("x-backside-failure")]).toEqual([500, "closed"]);
      expect(messages(a).join("\n")).toMatch(
        new RegExp(
          `Backend 127.0.0.1:${closing.port} closed the connection before responding \\([1-9]\\d* bytes sent\\)`,
        ),
      );

      await using b = await startGateway(
        config(`http://127.0.0.1:${resetting.port}/`, { persistentConnections: false }),
      );
      const rb = await fetch(b.frontUrl + "/");
      expect([rb.status, rb.headers.get("x-backside-failure")]).toEqual([500, "reset"]);
      expect(messages(b).join("\n")).toMatch(
        new RegExp(
          `Connection reset by 127.0.0.1:${resetting.port} \\(ECONNRESET\\) after [1-9]\\d* bytes sent, 0 received`,
        ),
      );
      expect(codes(b)).toContain("0x01130006");
    } finally {
      await closing.close();
      await resetting.close();
    }
  });

  it("a response cut off mid-body fails at once instead of waiting for a timeout", async () => {
    const cut = await startSilentBackend("cut");
    try {
      await using gw = await startGateway(config(`http://127.0.0.1:${cut.port}/`, { backTimeout: 30 }));
      const r = await call(gw);
      expect(r.status).toBe(500);
      expect(r.ms).toBeLessThan(5000);
      expect(codes(gw)).toContain("0x01130006");
    } finally {
      await cut.close();
    }
  });

  describe("TLS", () => {
    it("an untrusted self-signed certificate fails the handshake with 0x80e00127; trusting its CA makes it healthy", async () => {
      const cert = await makeSelfSignedCert("backend.test");
      const be = await startTlsBackend(cert);
      try {
        await using bad = await startGateway(config(`https://backend.test:${be.port}/`));
        expect((await call(bad)).status).toBe(500);
        const m = messages(bad).join("\n");
        expect(m).toMatch(/TLS handshake started with 127.0.0.1:\d+ \(servername backend.test, verify on\)/);
        expect(m).toMatch(/Certificate verification failed for backend.test: DEPTH_ZERO_SELF_SIGNED_CERT/);
        expect(codes(bad)).toEqual(expect.arrayContaining(["0x80e00127", "0x01130006"]));

        await using good = await startGateway({
          ...config(`https://backend.test:${be.port}/`),
          tls: { caPem: [cert.cert] },
        });
        const r = await call(good);
        expect([r.status, r.body]).toEqual([200, "hello over tls"]);
        expect(messages(good).join("\n")).toMatch(/TLS handshake completed with 127.0.0.1:\d+: TLSv1.3/);
      } finally {
        await be.close();
        cert.cleanup();
      }
    });

    it("logs the alert a backend sends: protocol_version (70) in the handshake, certificate_required (116) after it", async () => {
      const cert = await makeSelfSignedCert("backend.test");
      const old = await startTlsBackend(cert, "x", { minVersion: "TLSv1", maxVersion: "TLSv1.1" });
      const mtls = await startTlsBackend(cert, "x", { requestCert: true, rejectUnauthorized: true });
      try {
        await using a = await startGateway({
          ...config(`https://backend.test:${old.port}/`),
          tls: { caPem: [cert.cert] },
        });
        expect((await call(a)).status).toBe(500);
        const ma = messages(a).join("\n");
        expect(ma).toContain("TLS alert received: protocol_version (70)");
        expect(ma).toMatch(/SSL library error: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION/);
        expect(codes(a)).toEqual(expect.arrayContaining(["0x8120002f", "0x80e00127", "0x01130006"]));

        await using b = await startGateway({
          ...config(`https://backend.test:${mtls.port}/`),
          tls: { caPem: [cert.cert] },
        });
        expect((await call(b)).status).toBe(500);
        expect(messages(b).join("\n")).toContain("TLS alert received: certificate_required (116)");
        expect(codes(b)).toEqual(expect.arrayContaining(["0x80e00127", "0x01130006"]));
      } finally {
        await old.close();
        await mtls.close();
        cert.cleanup();
      }
    });

    it("a certificate for another name fails with ERR_TLS_CERT_ALTNAME_INVALID", async () => {
      const cert = await makeSelfSignedCert("other.test");
      const be = await startTlsBackend(cert);
      try {
        await using gw = await startGateway({
          ...config(`https://backend.test:${be.port}/`),
          tls: { caPem: [cert.cert] },
        });
        expect((await call(gw)).status).toBe(500);
        expect(messages(gw).join("\n")).toMatch(
          /Certificate verification failed for backend.test: ERR_TLS_CERT_ALTNAME_INVALID/,
        );
      } finally {
        await be.close();
        cert.cleanup();
      }
    });
  });
});

import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildErrorReport, parseErrorReport, type ErrorReportInput } from "./error-report.js";
import { readErrorReport } from "./read-error-report.js";
import { formatLogLine } from "./log-line.js";
import { renderRunningConfig } from "./running-config.js";
import type { DnsConfig } from "./types.js";

const dns: DnsConfig = {
  servers: [{ address: "10.100.3.53", udpPort: 53, tcpPort: 53, retries: 2 }],
  loadBalance: "round-robin",
  searchDomains: ["backside.test"],
  staticHosts: [{ hostname: "pinned", address: "10.100.2.99" }],
  ipPreference: 4,
  forceIpPreference: true,
  timeoutSeconds: 5,
};
const t = Date.UTC(2026, 10, 25, 2, 0, 0, 123);
const logText =
  formatLogLine({
    time: t,
    domain: "default",
    code: "0x01130006",
    category: "mpgw",
    level: "error",
    objectType: "mpgw",
    objectName: "TEST_MPGW",
    tid: 7,
    clientIp: "10.100.0.20",
    message: "Failed to establish a backside connection",
  }) + "\nstray <line> & junk\n";

function sample(): ErrorReportInput {
  return {
    domain: "default",
    generatedAt: t,
    firmware: { version: "IDG.10.6.0.0", build: "backside" },
    platform: { platform: "docker" },
    interfaces: [
      {
        name: "lo",
        adminStatus: "up",
        operStatus: "unknown",
        addresses: ["127.0.0.1/8", "::1/128"],
        mtu: 65536,
        rxPackets: 10,
        txPackets: 10,
        rxErrors: 0,
        txErrors: 0,
        rxDrops: 0,
        txDrops: 0,
      },
      {
        name: "eth1",
        adminStatus: "up",
        operStatus: "lowerlayerdown",
        addresses: [],
        mac: "02:42:0a:64:01:0a",
      },
    ],
    routes: [
      { destination: "default", gateway: "10.100.1.254", interface: "eth1", family: "inet", metric: 0 },
      { destination: "10.100.1.0/24", interface: "eth1", family: "inet", source: "10.100.1.10" },
    ],
    networkInfo: "1: lo: <LOOPBACK,UP>\n    inet 127.0.0.1/8 scope host lo\n",
    dns,
    dnsCache: [
      { host: "backend.backside.test", addresses: ["10.100.2.10", "10.100.2.11"], ttlRemaining: 42 },
      { host: "gone.backside.test", addresses: [], ttlRemaining: 3, negative: "NXDOMAIN" },
    ],
    objectStatus: [
      {
        name: "TEST_MPGW",
        className: "MultiProtocolGateway",
        opState: "up",
        adminState: "enabled",
        errorCode: "Failed to establish a backside connection <&>",
      },
    ],
    tcpTable: [
      {
        localIP: "10.100.1.10",
        localPort: 40000,
        remoteIP: "10.100.2.10",
        remotePort: 80,
        state: "syn_sent",
        serviceClass: "MultiProtocolGateway",
        serviceDomain: "default",
        serviceName: "TEST_MPGW",
      },
    ],
    runningConfig: renderRunningConfig(
      {
        name: "TEST_MPGW",
        frontPort: 8080,
        backendUrl: "http://backend.backside.test/",
        backTimeout: 120,
        backPersistentTimeout: 180,
        frontTimeout: 120,
        frontPersistentTimeout: 180,
        persistentConnections: true,
        connectTimeoutMs: 5000,
        sslVerify: true,
      },
      dns,
    ),
    logText,
    pcap: new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]),
  };
}

describe("buildErrorReport", () => {
  it("writes the appliance's MIME layout", () => {
    const text = buildErrorReport(sample());
    expect(text).toContain("\r\n\r\nDataPower Error Report for domain default\r\n");
    expect(text).toMatch(/^----dp\d{12}\r$/m);
    expect(text).toContain("Content-ID: <NetworkInfo@datapower.ibm.com>");
    expect(text).toContain("Content-Transfer-Encoding: base64");
    expect(text).toContain("Content-Disposition: attachment; filename=default-log");
    expect(sample().runningConfig).toMatch(/mpgw "TEST_MPGW"[\s\S]*back-timeout 120[\s\S]*exit/);
    expect(sample().runningConfig).toMatch(/dns\n[\s\S]*name-server 10.100.3.53 53 53 0 2[\s\S]*exit/);
  });
});

describe("parseErrorReport", () => {
  it("round-trips DNS config and cache, routes, interfaces, TCP table, object status, log and pcap", () => {
    const input = sample();
    const r = parseErrorReport(buildErrorReport(input));
    expect(r.problems).toEqual([]);
    expect(r.domain).toBe("default");
    expect(r.generatedAt).toBe(Math.floor(t / 1000) * 1000);
    expect(r.firmware).toMatchObject({ version: "IDG.10.6.0.0", build: "backside" });
    expect(r.platform.platform).toBe("docker");
    expect(r.dns).toEqual(dns);
    expect(r.dnsCache).toEqual(input.dnsCache);
    expect(r.routes).toEqual(input.routes);
    expect(r.interfaces).toEqual(input.interfaces);
    expect(r.tcpTable).toEqual(input.tcpTable);
    expect(r.objectStatus).toEqual(input.objectStatus);
    expect(r.runningConfig).toBe(input.runningConfig);
    expect(r.networkInfo).toBe(input.networkInfo);
    expect(r.log.entries).toHaveLength(1);
    expect(r.log.entries[0].code).toBe("0x01130006");
    expect(r.log.unknown).toEqual([{ line: 2, text: "stray <line> & junk" }]);
    expect(Array.from(r.pcap!)).toEqual(Array.from(input.pcap!));
  });
  it("reads a gzipped report", () => {
    const r = parseErrorReport(gzipSync(Buffer.from(buildErrorReport(sample()))));
    expect(r.dnsCache[0].host).toBe("backend.backside.test");
  });
  it("takes DNS settings from the running config when the DNS parts are missing", () => {
    const text = buildErrorReport({ ...sample(), dns: undefined });
    expect(parseErrorReport(text).dns).toEqual(dns);
  });
  it("reports a truncated report and keeps the parts before the cut", () => {
    const text = buildErrorReport(sample());
    const cut = text.slice(0, text.indexOf("Content-ID: <DNSNameService@"));
    const r = parseErrorReport(cut);
    expect(r.routes).toHaveLength(2);
    expect(r.problems.map((p) => p.message).join("\n")).toMatch(/no closing delimiter/);
    expect(r.problems.map((p) => p.where)).toContain("default-log");
  });
  it("reports a damaged XML part instead of throwing", () => {
    const text = buildErrorReport({ ...sample(), objectStatus: [] }).replace(
      /(Content-ID: <ObjectStatus@datapower.ibm.com>\r\n\r\n)[^-]*?\r\n(?=--)/,
      (_, h: string) =>
        h + Buffer.from("<dp:status><ObjectStatus><Name>x</Name>").toString("base64") + "\r\n",
    );
    const r = parseErrorReport(text);
    expect(r.objectStatus).toEqual([]);
    expect(r.problems.find((p) => p.where === "ObjectStatus")?.message).toMatch(/unterminated/);
  });
  it("throws BAD_ARTIFACT on something that is not a report", () => {
    expect(() => parseErrorReport("hello")).toThrowError(expect.objectContaining({ code: "BAD_ARTIFACT" }));
    expect(() => parseErrorReport(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).toThrowError(
      expect.objectContaining({ code: "BAD_ARTIFACT" }),
    );
  });
});

describe("parsers on damaged input", () => {
  // A small deterministic generator so a failure reproduces (mulberry32).
  function rng(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("never throw anything but BAD_ARTIFACT on a report with random bytes flipped or cut", () => {
    const good = Buffer.from(buildErrorReport(sample()));
    const rand = rng(42);
    for (let i = 0; i < 200; i++) {
      const b = Buffer.from(good.subarray(0, Math.floor(rand() * good.length)));
      for (let k = 0; k < 20; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      try {
        const r = parseErrorReport(b);
        expect(Array.isArray(r.problems)).toBe(true);
      } catch (e) {
        expect((e as { code?: string }).code).toBe("BAD_ARTIFACT");
      }
    }
  });
});

describe("error reports that are damaged or huge", () => {
  it("a non-numeric name-server line gives the default ports and retries, never NaN", () => {
    const cfg = renderRunningConfig(
      {
        name: "S",
        frontPort: 8080,
        backendUrl: "http://b/",
        backTimeout: 120,
        backPersistentTimeout: 180,
        frontTimeout: 120,
        frontPersistentTimeout: 180,
        persistentConnections: true,
        connectTimeoutMs: 3000,
        sslVerify: true,
      },
      dns,
    ).replace("name-server 10.100.3.53 53 53 0 2", "name-server 10.100.3.53 fifty-three x 0 many");
    const r = parseErrorReport(buildErrorReport({ ...sample(), dns: undefined, runningConfig: cfg }));
    expect(r.dns?.servers).toEqual([{ address: "10.100.3.53", udpPort: 53, tcpPort: 53, retries: 3 }]);
  });
  it("a non-numeric port in the DNS status part gives the default, never NaN", () => {
    const text = buildErrorReport({
      ...sample(),
      dns: { ...dns, servers: [{ ...dns.servers[0], udpPort: NaN }] },
    });
    expect(parseErrorReport(text).dns?.servers[0].udpPort).toBe(53);
  });
  const stream = (b: Buffer) =>
    (async function* () {
      yield b;
    })();
  it("a streamed gzip bomb of one character is BAD_ARTIFACT after the limit, not an out-of-memory crash", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, "A"), { level: 9 });
    await expect(readErrorReport(stream(bomb), { limit: 8 * 1024 * 1024 })).rejects.toMatchObject({
      code: "BAD_ARTIFACT",
      message: expect.stringMatching(/no MIME parts/),
    });
  });
  it("a streamed report longer than the limit keeps what came before it and says truncated", async () => {
    const big = buildErrorReport({ ...sample(), logText: logText.repeat(50_000) });
    const r = await readErrorReport(stream(gzipSync(Buffer.from(big))), { limit: 2 * 1024 * 1024 });
    expect(r.firmware.version).toBe("IDG.10.6.0.0");
    expect(r.log.entries.length).toBeGreaterThan(1000);
    expect(r.problems.map((p) => p.message).join("\n")).toMatch(
      /longer than 2097152 bytes after gunzip.*\(truncated\)/,
    );
  });
  it("a streamed report keeps its parts before a gzip stream that breaks off", async () => {
    const gz = gzipSync(Buffer.from(buildErrorReport(sample())));
    const r = await readErrorReport(
      (async function* () {
        yield gz.subarray(0, gz.length - 200);
      })(),
    );
    expect(r.firmware.version).toBe("IDG.10.6.0.0");
    expect(r.problems.map((p) => p.message).join("\n")).toMatch(/breaks off.*\(truncated\)/);
  });
});

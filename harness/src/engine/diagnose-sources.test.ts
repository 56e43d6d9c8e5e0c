import { mkdtempSync, rmSync, writeFileSync, readFileSync, truncateSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureBuilder, arpFrame } from "../pcap/testing/packets.js";
import { diagnose } from "./diagnose.js";
import { LOGS, logText, writeLog, writeReport, type LogStep } from "./fixtures/artifacts.js";
import {
  BACKEND,
  BACKEND_NEW,
  GW,
  GW_FRONT,
  NAME,
  SCENES,
  build,
  conn,
  dns,
  okExchange,
  synRetries,
} from "./fixtures/scenes.js";
import type { Cause } from "../taxonomy.js";

const dir = mkdtempSync(join(tmpdir(), "engine-src-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

describe("log-only diagnosis", () => {
  const cases: [string, LogStep[], Cause][] = [
    ["NXDOMAIN reason", LOGS.nxdomain as LogStep[], "dns.nxdomain"],
    ["no name server configured", LOGS.notConfigured as LogStep[], "dns.not-configured"],
    ["connect timed out (ETIMEDOUT)", LOGS.connectTimeout as LogStep[], "tcp.silent-drop"],
    ["connection refused", LOGS.refused as LogStep[], "tcp.refused"],
    ["host unreachable", LOGS.hostUnreachable as LogStep[], "net.host-unreachable"],
    ["no response within back-timeout", LOGS.noResponse as LogStep[], "backend.timeout"],
    ["closed before responding", LOGS.closed as LogStep[], "backend.closed"],
    ["connection reset", LOGS.reset as LogStep[], "backend.reset"],
    ["TLS verification failed", LOGS.tls as LogStep[], "tls.handshake-failure"],
    ["a served request", LOGS.ok as LogStep[], "healthy"],
  ];
  for (const [what, steps, cause] of cases) {
    it(`a log with ${what} is ${cause}`, async () => {
      const d = await diagnose({ logs: [writeLog(p(`${cause}.log`), steps)] });
      expect(d.cause).toBe(cause);
      expect(d.evidence.some((e) => e.kind === "log" && (e.lines?.length ?? 0) > 0)).toBe(true);
    });
  }

  for (const [reason, cause] of [
    ["SERVFAIL", "dns.servfail"],
    ["REFUSED", "dns.refused"],
    ["NODATA", "dns.no-address"],
    ["NO_RESPONSE", "dns.no-response"],
  ] as const) {
    it(`a resolution failure with reason ${reason} is ${cause}`, async () => {
      const steps: LogStep[] = [
        ["dnsResolveFailed", { host: NAME, reason }],
        ["backsideFailed", {}],
      ];
      const d = await diagnose({ logs: [writeLog(p(`${reason}.log`), steps)] });
      expect(d.cause).toBe(cause);
      expect(d.explanation).toContain(NAME);
    });
  }

  it("a public appliance log line without our codes is still read (Backside header failed to parse)", async () => {
    const path = p("public.log");
    writeFileSync(
      path,
      [
        "20161202T183348.225Z [0x80e00126][mpgw][error] mpgw(webapi): tid(2097) gtid(2097): Valid backside connection could not be established: Failed to establish a backside connection, url: https://analytics-lb/x/v1",
        "Wed Mar 22 2017 22:31:49 <0x01130006>[mpgw][error] mpgw(TEST_MPGW): tid(38886775)[error][9.xx.xx.xx]: Backside header ('N/A') failed to parse due to: Failed to establish a backside connection",
      ].join("\n"),
    );
    const d = await diagnose({ logs: [path] });
    expect(d.cause).toBe("backend.timeout");
  });

  it("some transactions of a burst time out on connect while others succeed: backend.overloaded, not a firewall", async () => {
    const steps: LogStep[] = [];
    // Six concurrent transactions: their lines interleave, 50 ms apart.
    const txs = [1, 2, 3, 4, 5, 6].map((tid) =>
      ((tid % 2 ? LOGS.ok : LOGS.connectTimeout) as LogStep[]).map((s): LogStep => [s[0], s[1], tid]),
    );
    for (let i = 0; i < 6; i++) for (const tx of txs) if (tx[i]) steps.push(tx[i]);
    const d = await diagnose({ logs: [writeLog(p("burst.log"), steps, 50)] });
    expect(d.cause).toBe("backend.overloaded");
  });

  it("a DNS query that timed out on the first server but was answered by the second is healthy", async () => {
    const steps: LogStep[] = [
      ["dnsQueryTimedOut", { id: 1, qtype: "A", name: NAME, server: "10.100.3.77", port: 53, ms: 2000 }],
      ["dnsResolved", { host: NAME, addresses: BACKEND, ttl: 300, source: "dns" }],
      ...(LOGS.ok as LogStep[]),
    ];
    const d = await diagnose({ logs: [writeLog(p("failover.log"), steps)] });
    expect(d.cause).toBe("healthy");
  });
});

describe("report-only diagnosis", () => {
  it("an empty name-server list with the resolution failure in the report's own log is dns.not-configured", async () => {
    const path = writeReport(p("nc.txt"), {
      dns: {
        servers: [],
        loadBalance: "first-alive",
        searchDomains: [],
        staticHosts: [],
        ipPreference: 4,
        forceIpPreference: true,
        timeoutSeconds: 2,
      },
      logText: logText(LOGS.notConfigured as LogStep[]),
    });
    const d = await diagnose({ errorReport: path });
    expect(d.cause).toBe("dns.not-configured");
    expect(d.confidence).toBe("high");
    expect(d.evidence.some((e) => e.kind === "report" && e.part === "DNSNameServerStatus2")).toBe(true);
  });

  it("a route sending the backend on-link out of the front interface is net.wrong-route", async () => {
    const path = writeReport(p("wr.txt"), {
      routes: [
        { destination: "default", gateway: "10.100.1.254", interface: "eth1", family: "inet" },
        { destination: `${BACKEND}/32`, interface: "eth0", family: "inet" },
      ],
      dnsCache: [{ host: NAME, addresses: [BACKEND], ttlRemaining: 200 }],
    });
    const d = await diagnose({ errorReport: path });
    expect(d.cause).toBe("net.wrong-route");
    expect(d.explanation).toContain("eth0");
  });

  it("SYN_SENT in the TCP table to the backend hints at a silent drop (low confidence alone)", async () => {
    const path = writeReport(p("ss.txt"), {
      dnsCache: [{ host: NAME, addresses: [BACKEND], ttlRemaining: 200 }],
      tcpTable: [{ localIP: GW, localPort: 50000, remoteIP: BACKEND, remotePort: 80, state: "syn_sent" }],
    });
    const d = await diagnose({ errorReport: path });
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.confidence).toBe("low");
  });
});

describe("fusing capture, log and report", () => {
  it("no DNS on the wire + empty server list + resolution failure in the log is dns.not-configured with high confidence", async () => {
    const pcap = build(SCENES["dns.not-configured"], p("nc.pcap"));
    const report = writeReport(p("nc2.txt"), {
      dns: {
        servers: [],
        loadBalance: "first-alive",
        searchDomains: [],
        staticHosts: [],
        ipPreference: 4,
        forceIpPreference: true,
        timeoutSeconds: 2,
      },
    });
    const d = await diagnose({
      pcaps: [{ path: pcap }],
      logs: [writeLog(p("nc.log"), LOGS.notConfigured as LogStep[])],
      errorReport: report,
    });
    expect(d.cause).toBe("dns.not-configured");
    expect(d.confidence).toBe("high");
    expect(new Set(d.evidence.map((e) => e.kind))).toEqual(new Set(["capture", "log", "report"]));
  });

  it("a cached address in the report that the name server no longer gives, with failing connects to it, is dns.stale-cache", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: 0, answers: [BACKEND_NEW] });
    synRetries(conn(cap, { server: BACKEND }), 3);
    const pcap = cap.write(p("stale.pcap"));
    const report = writeReport(p("stale.txt"), {
      dnsCache: [{ host: NAME, addresses: [BACKEND], ttlRemaining: 3500 }],
    });
    const d = await diagnose({
      pcaps: [{ path: pcap }],
      errorReport: report,
      logs: [writeLog(p("stale.log"), LOGS.connectTimeout as LogStep[])],
    });
    expect(d.cause).toBe("dns.stale-cache");
    expect(d.explanation).toContain(BACKEND_NEW);
  });

  it("the log's ECONNREFUSED with an ICMP port unreachable on the wire is tcp.rejected-icmp (the capture tells it from an RST)", async () => {
    const pcap = build(SCENES["tcp.rejected-icmp"], p("rej.pcap"));
    const d = await diagnose({
      pcaps: [{ path: pcap }],
      logs: [writeLog(p("rej.log"), LOGS.refused as LogStep[])],
    });
    expect(d.cause).toBe("tcp.rejected-icmp");
  });

  it("wrong route: the report's route and the ARP on the front capture agree over the log's EHOSTUNREACH", async () => {
    const pcap = build(SCENES["net.wrong-route"], p("wr.pcap"));
    const report = writeReport(p("wr2.txt"), {
      routes: [
        { destination: "default", gateway: "10.100.1.254", interface: "eth1", family: "inet" },
        { destination: `${BACKEND}/32`, interface: "eth0", family: "inet" },
      ],
    });
    const d = await diagnose({
      pcaps: [{ path: pcap, name: "gateway-front" }],
      logs: [writeLog(p("wr.log"), LOGS.hostUnreachable as LogStep[])],
      errorReport: report,
    });
    expect(d.cause).toBe("net.wrong-route");
    expect(d.confidence).toBe("high");
    expect(d.evidence.some((e) => e.source === "gateway-front")).toBe(true);
  });
});

describe("several capture points", () => {
  it("orders the points by TTL and says the SYN reached the firewall's inside but not its outside", async () => {
    const mid = new CaptureBuilder();
    dns(mid, { rcode: 0, answers: [BACKEND] });
    synRetries(conn(mid), 4);
    const back = new CaptureBuilder();
    const d = await diagnose({
      pcaps: [
        { path: back.write(p("fw-back.pcap")), name: "firewall-back" },
        { path: mid.write(p("gw-mid.pcap")), name: "gateway-mid" },
      ],
    });
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.confidence).toBe("high");
    expect(d.capturePoints?.statement).toContain("last seen at gateway-mid");
    expect(d.capturePoints?.statement).toContain("never reached firewall-back");
  });

  it("a SYN that crossed the router and sits unanswered beside the backend is backend.overloaded", async () => {
    const mk = (ttl: number, file: string) => {
      const cap = new CaptureBuilder();
      if (ttl === 64) dns(cap, { rcode: 0, answers: [BACKEND] });
      synRetries(cap.tcp({ client: GW, server: BACKEND, cport: 41000, sport: 80 }), 4, { ttl });
      return cap.write(p(file));
    };
    const d = await diagnose({
      pcaps: [
        { path: mk(63, "be-back.pcap"), name: "backend-back" },
        { path: mk(64, "gw-mid2.pcap"), name: "gateway-mid" },
      ],
      target: { host: NAME },
    });
    expect(d.cause).toBe("backend.overloaded");
    expect(d.capturePoints?.order[0].source).toBe("gateway-mid");
    expect(d.capturePoints?.order[1].synTtl).toBe(63);
  });

  it("a SYN-ACK that leaves the backend and never reaches the gateway is a silent drop on the way back", async () => {
    const gw = new CaptureBuilder();
    synRetries(gw.tcp({ client: GW, server: BACKEND, cport: 42000, sport: 80 }), 3);
    const be = new CaptureBuilder();
    const c = be.tcp({ client: GW, server: BACKEND, cport: 42000, sport: 80 });
    for (let i = 0; i < 3; i++) c.syn({ dt: i ? 1 : 0, ttl: 63 }).synAck({ dt: 0.001 });
    const d = await diagnose({
      pcaps: [
        { path: gw.write(p("g3.pcap")), name: "gateway-mid" },
        { path: be.write(p("b3.pcap")), name: "backend-back" },
      ],
      target: { host: BACKEND },
    });
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.capturePoints?.statement).toContain("died on the way back");
  });
});

describe("ambiguous and partial input", () => {
  it("one capture point of a silent drop names the overloaded look-alike and what would settle it", async () => {
    const d = await diagnose({ pcaps: [{ path: build(SCENES["tcp.silent-drop"], p("sd.pcap")) }] });
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.confidence).toBe("medium");
    expect(d.alternatives?.map((a) => a.cause)).toContain("backend.overloaded");
    expect(d.nextSteps.join(" ")).toMatch(/beside the backend/);
  });

  it("a truncated capture gives a partial diagnosis that says so", async () => {
    const path = build(SCENES["backend.timeout"], p("trunc.pcap"));
    truncateSync(path, statSync(path).size - 7);
    const d = await diagnose({ pcaps: [{ path }] });
    expect(d.partial).toBe(true);
    expect(d.problems.join(" ")).toMatch(/truncated/);
    expect(d.confidence).not.toBe("high");
  });

  it("a file that is not a capture next to a good log is a problem, not a failure", async () => {
    const junk = p("junk.pcap");
    writeFileSync(junk, "hello, this is not a capture\n");
    const d = await diagnose({
      pcaps: [{ path: junk }],
      logs: [writeLog(p("j.log"), LOGS.refused as LogStep[])],
    });
    expect(d.cause).toBe("tcp.refused");
    expect(d.partial).toBe(true);
    expect(d.problems.join(" ")).toMatch(/not a pcap/);
  });

  it("only unusable artifacts is a BAD_ARTIFACT error", async () => {
    const junk = p("junk2.pcap");
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]));
    await expect(diagnose({ pcaps: [{ path: junk }] })).rejects.toMatchObject({ code: "BAD_ARTIFACT" });
  });

  it("a missing file is NOT_FOUND", async () => {
    await expect(diagnose({ logs: [p("nope.log")] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a garbage log is named as a problem", async () => {
    const g = p("garbage.log");
    writeFileSync(g, "x".repeat(100_000) + "\n\u0000\u0001\u0002binary\n");
    const pcap = build(SCENES.healthy, p("h.pcap"));
    const d = await diagnose({ pcaps: [{ path: pcap }], logs: [g] });
    expect(d.cause).toBe("healthy");
    expect(d.partial).toBe(true);
  });

  it("the healthy capture of a static host with no name servers is healthy, not dns.not-configured", async () => {
    const cap = new CaptureBuilder();
    okExchange(conn(cap));
    const report = writeReport(p("static.txt"), {
      dns: {
        servers: [],
        loadBalance: "first-alive",
        searchDomains: [],
        staticHosts: [{ hostname: NAME, address: BACKEND }],
        ipPreference: 4,
        forceIpPreference: true,
        timeoutSeconds: 2,
      },
    });
    const d = await diagnose({ pcaps: [{ path: cap.write(p("static.pcap")) }], errorReport: report });
    expect(d.cause).toBe("healthy");
    expect(readFileSync(report, "utf8")).toContain("DataPower Error Report");
  });

  it("with several conversations the target picks the backend that matters", async () => {
    const cap = new CaptureBuilder();
    okExchange(conn(cap, { server: "10.100.2.20" }));
    conn(cap, { server: BACKEND }).syn({ dt: 0.1 }).refuse();
    const path = cap.write(p("two.pcap"));
    expect((await diagnose({ pcaps: [{ path }], target: { host: "10.100.2.20" } })).cause).toBe("healthy");
    expect((await diagnose({ pcaps: [{ path }], target: { host: BACKEND, port: 80 } })).cause).toBe(
      "tcp.refused",
    );
    expect((await diagnose({ pcaps: [{ path }] })).cause).toBe("tcp.refused");
  });
  void GW_FRONT;
});

describe("a stale cache without the name server's answer of now", () => {
  it("an address that worked, then silence from the cache's address, is named as a suspected stale cache next to the silent drop", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: 0, answers: [BACKEND], ttl: 3600 });
    okExchange(conn(cap));
    cap.wait(5);
    synRetries(conn(cap), 3);
    const steps: LogStep[] = [
      ["dnsCacheHit", { host: NAME, addresses: BACKEND, ttl: 3590 }, 2],
      ...(LOGS.connectTimeout as LogStep[]).map((s): LogStep => [s[0], s[1], 2]),
    ];
    const d = await diagnose({
      pcaps: [{ path: cap.write(p("suspect.pcap")) }],
      logs: [writeLog(p("suspect.log"), steps)],
      errorReport: writeReport(p("suspect.txt"), {
        dnsCache: [{ host: NAME, addresses: [BACKEND], ttlRemaining: 3590 }],
      }),
    });
    expect(["dns.stale-cache", "tcp.silent-drop"]).toContain(d.cause);
    const other = d.cause === "dns.stale-cache" ? "tcp.silent-drop" : "dns.stale-cache";
    expect(d.alternatives?.map((a) => a.cause)).toContain(other);
    expect(d.confidence).not.toBe("high");
  });
});

describe("the error report's own capture", () => {
  it("a report carrying a BackgroundPacketCapture is diagnosed from its packets", async () => {
    const pcap = readFileSync(build(SCENES["tcp.refused"], p("bg.pcap")));
    const d = await diagnose({ errorReport: writeReport(p("bg.txt"), { pcap: new Uint8Array(pcap) }) });
    expect(d.cause).toBe("tcp.refused");
    expect(d.evidence.some((e) => e.source.endsWith("#BackgroundPacketCapture"))).toBe(true);
  });
});

describe("sequence versus burst", () => {
  it("many successes and then a run of silent failures is a silent drop, not an overloaded backend", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: 0, answers: [BACKEND] });
    for (let i = 0; i < 5; i++) okExchange(conn(cap));
    cap.wait(1);
    for (let i = 0; i < 2; i++) synRetries(conn(cap), 3);
    const d = await diagnose({ pcaps: [{ path: cap.write(p("seq.pcap")) }] });
    expect(d.cause).toBe("tcp.silent-drop");
  });
});

describe("recovery is healthy (the label of what finally happened)", () => {
  it("a dead first name server (unanswered, ARP unanswered) then an answer from the second and a served request is healthy", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: null, tries: 2, server: "10.100.3.77" });
    for (let i = 0; i < 3; i++)
      cap.add(
        arpFrame({
          op: "request",
          senderMac: "02:42:0a:64:03:fe",
          senderIp: "10.100.3.254",
          targetIp: "10.100.3.77",
        }),
        1,
      );
    dns(cap, { rcode: 0, answers: [BACKEND] });
    okExchange(conn(cap));
    const d = await diagnose({ pcaps: [{ path: cap.write(p("failover.pcap")) }], target: { host: NAME } });
    expect(d.cause).toBe("healthy");
    expect(d.confidence).toBe("high");
  });

  it("a refused connect followed later by a served request is healthy, with the refusal as an alternative", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: 0, answers: [BACKEND] });
    conn(cap).syn({ dt: 0.01 }).refuse({ dt: 0.001 });
    cap.wait(2);
    okExchange(conn(cap));
    const d = await diagnose({ pcaps: [{ path: cap.write(p("retry.pcap")) }] });
    expect(d.cause).toBe("healthy");
    expect(d.alternatives?.map((a) => a.cause)).toContain("tcp.refused");
  });
});

describe("checksum offload", () => {
  it("SYNs with bad checksums (captured on the sending host) still count, and the input is not partial", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: 0, answers: [BACKEND] });
    const c = conn(cap);
    for (let i = 0; i < 3; i++) c.syn({ dt: i ? 1 : 0.01, badChecksum: true });
    const d = await diagnose({ pcaps: [{ path: cap.write(p("offload.pcap")) }] });
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.partial).toBe(false);
  });
});

describe("midstream pick-ups", () => {
  it("an RST seen without its connection's SYN (a capture that started late) is not a refusal", async () => {
    const cap = new CaptureBuilder();
    dns(cap, { rcode: 0, answers: [BACKEND] });
    okExchange(conn(cap));
    const late = conn(cap);
    late.fin("orig", { dt: 1 }).rst("resp", { dt: 0.001 });
    const d = await diagnose({ pcaps: [{ path: cap.write(p("midstream.pcap")) }], target: { host: NAME } });
    expect(d.cause).toBe("healthy");
  });
});

describe("a SYN that left by the front side (captures only)", () => {
  const CLIENT = "10.100.0.20";
  const CLIENT_MAC = "02:00:0a:64:00:14";
  function scene(gatewaySynTo: string | undefined) {
    const front = new CaptureBuilder();
    // A client on the front segment asks the gateway (straight from it: TTL 64, its own MAC).
    front
      .tcp({
        client: CLIENT,
        server: GW_FRONT,
        cport: 40100,
        sport: 8080,
        clientTtl: 64,
        serverTtl: 64,
        l2: { src: CLIENT_MAC },
      })
      .syn();
    // The gateway's SYN to the backend leaves from its front address, unanswered.
    const c = front.tcp({
      client: GW_FRONT,
      server: BACKEND,
      cport: 40200,
      sport: 80,
      clientTtl: 64,
      serverTtl: 63,
      ...(gatewaySynTo ? { l2: { dst: gatewaySynTo } } : {}),
    });
    synRetries(c, 3);
    // Its lookups leave from its other address, seen on the mid side where the SYN never is.
    const mid = new CaptureBuilder();
    dns(mid, { rcode: 0, answers: [BACKEND] });
    return [
      { path: front.write(p(`front-${gatewaySynTo ?? "x"}.pcap`)) },
      { path: mid.write(p(`mid-${gatewaySynTo ?? "x"}.pcap`)) },
    ];
  }

  it("sent to the MAC of a client of the gateway: a wrong route", async () => {
    const d = await diagnose({ pcaps: scene(CLIENT_MAC) });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.wrong-route");
    expect(d.explanation).toContain(`the next hop ${CLIENT} is a client of the gateway`);
  });

  it("sent to another MAC: not a sure silent drop, the route named with what to check", async () => {
    const d = await diagnose({ pcaps: scene(undefined) });
    expect(d.cause).toBe("tcp.silent-drop");
    expect(d.confidence).not.toBe("high");
    const alt = d.alternatives?.find((a) => a.cause === "net.wrong-route");
    expect(alt?.why).toMatch(
      new RegExp(
        `left from ${GW_FRONT.replace(/\./g, "\\.")}, the gateway's DNS queries from ${GW.replace(/\./g, "\\.")}`,
      ),
    );
  });
});

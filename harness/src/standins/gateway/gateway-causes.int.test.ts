/**
 * The gateway issue's last "done when", on one real topology: for each of healthy, DNS failure,
 * connection refused, connect timeout, no response after connect and TLS handshake failure, the
 * gateway's log lines (debug, and notice for some failures), an error report that
 * `parseErrorReport` reads back into the same facts, and a capture fetched through the
 * management API that shows the exchange. The cause is switched per case through the stand-ins'
 * control APIs and the firewall's fault table; the topology stays up for all cases.
 * Needs a Docker engine and the project's images (`npm run setup`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseErrorReport } from "../../appliance/error-report.js";
import { parseLog } from "../../appliance/log-reader.js";
import type { ErrorReport, LogEntry } from "../../appliance/types.js";
import { analyzeCapture, type FlowSummary } from "../../flows/index.js";
import { controlOk, controlProbe } from "../../runner/control-api.js";
import { GATEWAY_LOG_FILE, MGMT_PORT } from "../../runner/gateway-artifacts.js";
import { FRONT_PORT } from "../../runner/standin-configs.js";
import { firewallExec } from "../../runner/run-steps.js";
import { createTestPki, type TestPki } from "../../tls/index.js";
import { startTopology, type StartedNode, type StartedTopology } from "../../topology/index.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { pollUntil } from "../../util/poll-until.js";
import { newRunId } from "../../util/run-id.js";
import { applyFaults, Fault } from "../firewall/index.js";

const HOST = "api.backside.test";
// Short timers so the slow causes stay fast: three SYNs fit in 3 s (RFC 6298 §5.5 backoff, 1 s then 2 s).
const CONNECT_TIMEOUT = 3;
const BACK_TIMEOUT = 3;

const registry = new CleanupRegistry();
const outDir = mkdtempSync(join(tmpdir(), "backside-gateway-causes-"));
let pki: TestPki;
let topo: StartedTopology;
let gw: StartedNode;
let midIface: string;

const mgmt = (method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown) =>
  controlOk(gw, method, path, body, MGMT_PORT);

beforeAll(async () => {
  pki = await createTestPki({ hostName: HOST, runId: "gateway-causes" });
  topo = await startTopology({
    runId: newRunId(),
    name: "gateway-causes",
    registry,
    labels: { "backside.test": "gateway-causes.int.test.ts" },
    readyTimeoutMs: 60_000,
    nodes: {
      gateway: {
        config: (plan) => ({
          service: {
            name: "TEST_MPGW",
            frontPort: FRONT_PORT,
            backendUrl: `http://${HOST}:80/`,
            backTimeout: BACK_TIMEOUT,
            connectTimeout: CONNECT_TIMEOUT,
            // One connection per request: a pooled connection would hide the next case's connect.
            persistentConnections: false,
          },
          tls: { verify: true, caPem: [pki.caCert] },
          dns: {
            servers: [{ address: plan.dnsServer, retries: 0 }],
            timeout: 2,
            searchDomains: ["backside.test"],
          },
          log: { level: "debug", file: GATEWAY_LOG_FILE },
        }),
        ready: {
          cmd: ["curl", "-s", "-o", "/dev/null", "--max-time", "2", `http://127.0.0.1:${MGMT_PORT}/`],
        },
      },
      // The HTTPS listener presents a certificate from a CA the gateway does not trust; it is
      // only reached in the TLS case.
      backend: { config: { tls: { ...pki.untrusted, label: "untrusted" } }, ready: controlProbe("/state") },
      dns: {
        config: (plan) => ({
          defaultTtl: 60,
          // The NXDOMAIN's SOA minimum: long enough that the report still lists the negative entry.
          negativeTtl: 60,
          names: { [HOST]: { mode: "normal", a: [plan.nodes.backend.addresses.back], ttl: 60 } },
        }),
        ready: controlProbe("/zone"),
      },
    },
  });
  gw = topo.node("gateway");
  midIface = await gw.interfaceOn("mid");
}, 120_000);

afterAll(async () => {
  await registry.stopAll();
  await pki?.dispose().catch(() => undefined);
  rmSync(outDir, { recursive: true, force: true });
});

const backendAddr = () => topo.node("backend").address("back");

/** Puts every stand-in back to the healthy state, then applies the case's changes. */
async function setCause(cause: Cause): Promise<void> {
  const mode = cause === "refused" ? "not-listening" : cause === "no-response" ? "hang" : "healthy";
  const dnsEntry = cause === "dns" ? { mode: "nxdomain" } : { mode: "normal", a: [backendAddr()], ttl: 60 };
  await Promise.all([
    applyFaults(
      firewallExec(topo),
      cause === "connect-timeout" ? [Fault.drop({ host: backendAddr(), port: 80 })] : [],
    ),
    controlOk(topo.node("dns"), "PUT", `/names/${HOST}`, dnsEntry),
    controlOk(topo.node("backend"), "PUT", "/mode", { kind: mode }),
    mgmt("PUT", "/mgmt/log-level", { level: "debug" }),
    cause === "tls"
      ? mgmt("PUT", "/mgmt/config", { service: { backendUrl: `https://${HOST}:443/` } })
      : Promise.resolve(),
  ]);
  await mgmt("POST", "/mgmt/actionqueue/default", { FlushDNSCache: {} });
}

interface FrontAnswer {
  status: number;
  tid: number;
  failure: string | undefined;
}

/** One request from the client to the gateway's front side, bounded. */
async function request(): Promise<FrontAnswer> {
  const url = `http://${gw.address("front")}:${FRONT_PORT}/`;
  const r = await topo
    .node("client")
    .exec(["curl", "-s", "-o", "/dev/null", "-D", "-", "--max-time", "15", url], { timeoutMs: 20_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(r.stdout)?.[1]);
  const header = (name: string) => new RegExp(`^${name}: *(\\S+)`, "im").exec(r.stdout)?.[1];
  return { status, tid: Number(header("x-backside-tid")), failure: header("x-backside-failure") };
}

/**
 * The gateway's kept log lines of one transaction. A success carries no tid header: the
 * transaction is then the last request received (the cases send one at a time).
 */
async function logOf(answer: FrontAnswer): Promise<LogEntry[]> {
  const log = parseLog(await mgmt("GET", "/mgmt/log"));
  if (Number.isNaN(answer.tid))
    answer.tid = Math.max(...log.entries.filter((e) => e.code === "0x8b560020").map((e) => e.tid));
  return log.entries.filter((e) => e.tid === answer.tid);
}

/** Runs `send` inside a capture on the gateway's mid interface, all through the management API. */
async function captured<T>(name: string, send: () => Promise<T>): Promise<{ flows: FlowSummary; out: T }> {
  await mgmt("POST", "/mgmt/capture", {
    interface: midIface,
    filter: "not port 5554",
    durationSeconds: 60,
    maxKB: 5000,
  });
  await pollUntil(async () => JSON.parse(await mgmt("GET", "/mgmt/capture")).bytes >= 24, {
    what: "the gateway's capture writing its header",
    timeoutMs: 10_000,
  });
  let out: T;
  try {
    out = await send();
    // tcpdump reads the kernel's ring in blocks handed over at the latest after its 1 s
    // timeout, and a SIGINT drops a block not yet handed over: stop only once the file has
    // stopped growing for longer than that.
    let last = -1;
    let since = Date.now();
    await pollUntil(
      async () => {
        const bytes = Number(JSON.parse(await mgmt("GET", "/mgmt/capture")).bytes);
        if (bytes !== last) [last, since] = [bytes, Date.now()];
        return bytes > 24 && Date.now() - since >= 1300;
      },
      { what: "the gateway's capture to settle", timeoutMs: 15_000, intervalMs: 300 },
    );
  } finally {
    const stopped = JSON.parse(await mgmt("POST", "/mgmt/capture/stop"));
    expect(stopped).toMatchObject({ running: false, interface: midIface });
  }
  const inside = `/tmp/${name}.pcap`;
  await gw.execOk(
    ["curl", "-s", "-f", "--max-time", "10", "-o", inside, `http://127.0.0.1:${MGMT_PORT}/mgmt/capture/pcap`],
    { timeoutMs: 15_000 },
  );
  const file = join(outDir, `${name}.pcap`);
  writeFileSync(file, await gw.copyFileOut(inside));
  const flows = await analyzeCapture(file, { ignoreChecksums: true });
  return { flows, out };
}

async function errorReport(): Promise<ErrorReport> {
  const made = JSON.parse(await mgmt("POST", "/mgmt/actionqueue/default", { ErrorReport: {} }));
  expect(made).toMatchObject({ ErrorReport: "Operation completed." });
  return parseErrorReport(await mgmt("GET", "/mgmt/error-report"));
}

const codes = (entries: LogEntry[]) => entries.map((e) => e.code);
const messages = (entries: LogEntry[]) => entries.map((e) => e.message).join("\n");

/** What every report holds, whatever the cause. */
function checkReportBasics(report: ErrorReport, tid: number): void {
  expect(report.problems).toEqual([]);
  expect(report.dns?.servers).toEqual([
    { address: topo.plan.dnsServer, udpPort: 53, tcpPort: 53, retries: 0 },
  ]);
  expect(report.dns?.searchDomains).toEqual(["backside.test"]);
  expect(report.routes).toContainEqual(
    expect.objectContaining({
      destination: "default",
      gateway: topo.node("firewall").address("mid"),
      interface: midIface,
    }),
  );
  expect(report.tcpTable).toContainEqual(expect.objectContaining({ localPort: FRONT_PORT, state: "listen" }));
  expect(report.objectStatus.map((o) => o.className)).toEqual(
    expect.arrayContaining(["MultiProtocolGateway", "HTTPSourceProtocolHandler", "DNSNameService"]),
  );
  // The report's own log carries the transaction that was just made.
  expect(report.log.entries.some((e) => e.tid === tid)).toBe(true);
}

const mpgwError = (report: ErrorReport) =>
  report.objectStatus.find((o) => o.className === "MultiProtocolGateway")?.errorCode ?? "missing";

/** The backend's positive cache entry, as the report lists it. */
const cachedBackend = (report: ErrorReport) =>
  expect(report.dnsCache).toContainEqual(expect.objectContaining({ host: HOST, addresses: [backendAddr()] }));

/** A failure's error-level family: the last lines before the HTTP 500. */
function checkFailureFamily(entries: LogEntry[], failure: string): void {
  expect(codes(entries)).toContain("0x01130006");
  expect(messages(entries)).toContain(
    `Returned HTTP 500 to ${topo.node("client").address("front")}: ${failure}`,
  );
}

/** The same failure at notice level: the error family, and no debug or info line at all. */
async function checkNoticePass(failure: string, familyCodes: string[]): Promise<void> {
  await mgmt("PUT", "/mgmt/log-level", { level: "notice" });
  try {
    await mgmt("POST", "/mgmt/actionqueue/default", { FlushDNSCache: {} });
    const a = await request();
    expect(a).toMatchObject({ status: 500, failure });
    const entries = await logOf(a);
    expect(entries.filter((e) => e.level === "debug" || e.level === "info")).toEqual([]);
    expect(codes(entries)).toEqual(expect.arrayContaining([...familyCodes, "0x01130006", "0x8b540022"]));
  } finally {
    await mgmt("PUT", "/mgmt/log-level", { level: "debug" });
  }
}

type Cause = "healthy" | "dns" | "refused" | "connect-timeout" | "no-response" | "tls";

/** One case: set the cause, request inside a capture, then log, capture and report. */
async function runCase(cause: Cause) {
  await setCause(cause);
  const { flows, out: answer } = await captured(cause, request);
  const entries = await logOf(answer);
  expect(entries.length, `log lines of tid ${answer.tid}`).toBeGreaterThan(0);
  const report = await errorReport();
  checkReportBasics(report, answer.tid);
  const toBackend = flows.tcp.filter((c) => c.id.respH === backendAddr());
  const dns = flows.dns.filter((d) => d.server === topo.plan.dnsServer && d.query === HOST);
  return { answer, entries, report, flows, toBackend, dns };
}

describe("the gateway's evidence per cause of 'Failed to establish a backside connection'", () => {
  it("healthy: a complete exchange, debug steps, no error, and a positive cache entry", async () => {
    const c = await runCase("healthy");
    expect(c.answer).toMatchObject({ status: 200, failure: undefined });
    // Log: resolution on the wire, connect, bytes both ways; nothing at error level.
    expect(codes(c.entries)).toEqual(
      expect.arrayContaining(["0x8b570100", "0x8b570101", "0x8b560029", "0x8b570110", "0x8b570111"]),
    );
    expect(codes(c.entries)).toEqual(expect.arrayContaining(["0x8b570120", "0x8b570121"]));
    expect(messages(c.entries)).toMatch(
      new RegExp(`DNS answer id \\d+ A ${HOST} .*rcode 0 answers \\[${backendAddr()}\\]`),
    );
    expect(c.entries.filter((e) => e.level === "error")).toEqual([]);
    // Capture: the A answer, then handshake, request and response on one connection.
    expect(c.dns).toContainEqual(expect.objectContaining({ qtypeName: "A", rcode: 0 }));
    expect(c.toBackend).toHaveLength(1);
    const conn = c.toBackend[0];
    expect(conn.id.respP).toBe(80);
    expect(conn.handshakeAck).not.toBeNull();
    expect(conn.firstOrigData).not.toBeNull();
    expect(conn.firstRespData).not.toBeNull();
    expect(conn.resets).toEqual([]);
    // Persistent connections are off: both FINs close it normally once the answer is in.
    expect(conn.connState).toBe("SF");
    // Report: the positive cache entry, no last error.
    cachedBackend(c.report);
    expect(mpgwError(c.report)).toBe("");
  });

  it("DNS failure: the NXDOMAIN answer on the wire, the DNS family in the log, a negative cache entry", async () => {
    const c = await runCase("dns");
    expect(c.answer).toMatchObject({ status: 500, failure: "dns" });
    expect(codes(c.entries)).toEqual(
      expect.arrayContaining(["0x8b570100", "0x8b570101", "0x8b530003", "0x8b530017", "0x8b530002"]),
    );
    expect(messages(c.entries)).toMatch(new RegExp(`DNS answer id \\d+ A ${HOST} .*rcode 3`));
    expect(messages(c.entries)).toContain(`Cannot resolve host '${HOST}'`);
    expect(messages(c.entries)).toMatch(/NXDOMAIN/);
    expect(codes(c.entries)).not.toContain("0x8b570110");
    checkFailureFamily(c.entries, "dns");
    // Capture: rcode 3 to the gateway's query, and no SYN to the backend at all.
    expect(c.dns).toContainEqual(
      expect.objectContaining({ qtypeName: "A", rcode: 3, rcodeName: "NXDOMAIN" }),
    );
    expect(c.toBackend).toEqual([]);
    // Report: the negative cache entry and the last error.
    expect(c.report.dnsCache).toContainEqual(expect.objectContaining({ host: HOST, negative: "NXDOMAIN" }));
    expect(mpgwError(c.report)).toMatch(/^Failed to establish a backside connection: .*NXDOMAIN/);
    await checkNoticePass("dns", ["0x8b530003", "0x8b530017", "0x8b530002"]);
  });

  it("connection refused: the SYN answered by RST (REJ), ECONNREFUSED in the log", async () => {
    const c = await runCase("refused");
    expect(c.answer).toMatchObject({ status: 500, failure: "refused" });
    expect(codes(c.entries)).toEqual(
      expect.arrayContaining(["0x8b570110", "0x8b570112", "0x8b530010", "0x8b530004", "0x80e00126"]),
    );
    expect(messages(c.entries)).toMatch(new RegExp(`Connect to ${backendAddr()}:80 failed: ECONNREFUSED`));
    expect(messages(c.entries)).toContain(`Connection refused by ${backendAddr()}:80 (ECONNREFUSED)`);
    checkFailureFamily(c.entries, "refused");
    expect(c.dns).toContainEqual(expect.objectContaining({ qtypeName: "A", rcode: 0 }));
    expect(c.toBackend.map((t) => t.connState)).toEqual(["REJ"]);
    expect(c.toBackend[0].resets).toHaveLength(1);
    cachedBackend(c.report);
    expect(mpgwError(c.report)).toMatch(/^Failed to establish a backside connection: .*ECONNREFUSED/);
    await checkNoticePass("refused", ["0x8b530010", "0x8b530004", "0x80e00126"]);
  });

  it("connect timeout: unanswered, retransmitted SYNs (S0), ETIMEDOUT in the log", async () => {
    const c = await runCase("connect-timeout");
    expect(c.answer).toMatchObject({ status: 500, failure: "connect-timeout" });
    expect(codes(c.entries)).toEqual(
      expect.arrayContaining(["0x8b570110", "0x8b570112", "0x8b530013", "0x8b530004", "0x80e00126"]),
    );
    expect(messages(c.entries)).toContain(`(timeout ${CONNECT_TIMEOUT * 1000} ms)`);
    expect(messages(c.entries)).toMatch(
      new RegExp(`Connect to ${backendAddr()}:80 timed out after \\d+ ms \\(ETIMEDOUT\\)`),
    );
    checkFailureFamily(c.entries, "connect-timeout");
    expect(c.toBackend).toHaveLength(1);
    const conn = c.toBackend[0];
    expect(conn.connState).toBe("S0");
    expect(conn.syns.length).toBeGreaterThanOrEqual(2);
    expect(conn.synAcks).toEqual([]);
    cachedBackend(c.report);
    expect(mpgwError(c.report)).toMatch(/^Failed to establish a backside connection: .*ETIMEDOUT/);
  });

  it("no response: connected and sent, the backend silent until back-timeout", async () => {
    const c = await runCase("no-response");
    expect(c.answer).toMatchObject({ status: 500, failure: "no-response" });
    expect(codes(c.entries)).toEqual(
      expect.arrayContaining(["0x8b570110", "0x8b570111", "0x8b570120", "0x8b530016", "0x8b530001"]),
    );
    expect(messages(c.entries)).toContain(
      `No response from ${backendAddr()}:80 within back-timeout ${BACK_TIMEOUT} s`,
    );
    expect(messages(c.entries)).toContain(`Received 0 bytes from ${backendAddr()}:80`);
    expect(messages(c.entries)).not.toMatch(/Received [1-9]\d* bytes/);
    checkFailureFamily(c.entries, "no-response");
    expect(c.toBackend).toHaveLength(1);
    const conn = c.toBackend[0];
    expect(conn.handshakeAck).not.toBeNull();
    expect(conn.origBytes).toBeGreaterThan(0);
    expect(conn.firstOrigData).not.toBeNull();
    expect(conn.respBytes).toBe(0);
    expect(conn.firstRespData).toBeNull();
    cachedBackend(c.report);
    expect(mpgwError(c.report)).toMatch(
      /^Failed to establish a backside connection: .*back-timeout|No response/,
    );
  });

  it("TLS handshake failure: an untrusted CA, the handshake ends before it finished", async () => {
    const c = await runCase("tls");
    expect(c.answer).toMatchObject({ status: 500, failure: "tls" });
    expect(codes(c.entries)).toEqual(
      expect.arrayContaining([
        "0x8b570110",
        "0x8b570111",
        "0x8b570130",
        "0x8b53001a",
        "0x8b530018",
        "0x80e00127",
      ]),
    );
    expect(messages(c.entries)).toContain(`Certificate verification failed for ${HOST}`);
    expect(codes(c.entries)).not.toContain("0x8b570131");
    checkFailureFamily(c.entries, "tls");
    expect(c.toBackend).toHaveLength(1);
    const conn = c.toBackend[0];
    expect(conn.id.respP).toBe(443);
    expect(conn.handshakeAck).not.toBeNull();
    expect(conn.tls).not.toBeNull();
    expect(conn.tls!.established).toBe(false);
    expect(conn.tls!.serverName).toBe(HOST);
    // The client's alert (cleartext in TLS 1.2, encrypted in 1.3) or its close ends the handshake.
    expect(conn.tls!.alerts.length > 0 || conn.closedBy?.by === "orig").toBe(true);
    cachedBackend(c.report);
    expect(mpgwError(c.report)).toMatch(/^Failed to establish a backside connection: /);
    expect(c.report.runningConfig).toContain(`backend-url "https://${HOST}:443/"`);
  });
});

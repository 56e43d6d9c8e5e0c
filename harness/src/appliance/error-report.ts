/**
 * The error report (DOMAIN.md §3): a MIME multipart message, preamble
 * `DataPower Error Report for domain <domain>`, boundary `--dp<12 digits>` (delimiter lines
 * `----dp<12 digits>`), every part base64 with a Content-ID `<Name@datapower.ibm.com>`.
 *
 * Parts (Content-ID name: content):
 *   FirmwareVersion          XML row FirmwareVersion3 (Version, Build)
 *   VirtualPlatform          XML row VirtualPlatform3 (Platform: docker)
 *   ObjectStatus             XML rows (Name, Class, OpState, AdminState, ErrorCode)
 *   TCPTable                 XML rows (localIP, localPort, remoteIP, remotePort, state, serviceClass, serviceDomain, serviceName)
 *   NetworkInterfaceStatus   XML rows, one per interface address (Name, AdminStatus, OperStatus, IP, PrefixLength, MACAddress, MTU, Rx/Tx counters)
 *   RoutingStatus            XML rows RoutingStatus3 (Destination, Gateway, Interface, Metric, Family, Source)
 *   NetworkInfo              text: Linux `ip addr` and `ip route` output
 *   DNSNameService           XML row: LoadBalanceAlgorithm, IPPreference, ForceIPPreference, Timeout
 *   DNSNameServerStatus2     XML rows (IPAddress, UDPPort, TCPPort, MaxRetries)
 *   DNSSearchDomainStatus    XML rows (SearchDomain)
 *   DNSStaticHostStatus      XML rows (Hostname, IPAddress)
 *   DNSCacheHostStatus4      XML rows (Hostname, IPAddress space-separated, TTL remaining s, Negative)
 *   default-config           text: running config in CLI syntax
 *   default-log              text: the log, Content-Disposition attachment; filename=default-log
 *   BackgroundPacketCapture  application/vnd.tcpdump.pcap, when a capture was attached
 * The reader accepts gzipped reports, takes DNS settings from the running config when the
 * DNS parts are missing, and returns problems for damaged parts instead of throwing.
 */
import { gunzipSync } from "node:zlib";
import { BacksideError } from "../errors.js";
import type { LogReaderOptions } from "./log-reader.js";
import { buildMultipart, type PartInput } from "./mime-multipart.js";
import { ReportPartsReader, type CollectedReport } from "./report-parts.js";
import { dnsFromConfig, intIn, parseRunningConfig } from "./running-config.js";
import { num, parseRows, renderRows, type Row } from "./status-xml.js";
import type { DnsConfig, ErrorReport, InterfaceStatus, Problem } from "./types.js";

export type ErrorReportInput = Omit<
  ErrorReport,
  "log" | "problems" | "otherParts" | "generatedAt" | "firmware" | "platform"
> & {
  firmware: { version: string; build?: string };
  platform: { platform: string };
  generatedAt: number;
};

const SUFFIX = "@datapower.ibm.com";
/** Reports bigger than this after gunzip are refused (a bomb, not a report). */
export const MAX_REPORT_BYTES = 512 * 1024 * 1024;

const REPORT_DOMAIN = /Error Report for domain (\S+)/;
const ADDRESS_LIST = /[\s,]+/;

/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const ERROR_REPORT_PATTERNS: Record<string, RegExp> = { REPORT_DOMAIN, ADDRESS_LIST };

export function buildErrorReport(r: ErrorReportInput): string {
  const xml = (id: string, row: string, rows: Row[]): PartInput => ({
    id: id + SUFFIX,
    contentType: "text/xml",
    body: renderRows(row, rows),
  });
  const s = (v: number | undefined) => (v === undefined ? "" : String(v));
  const ifRows: Row[] = r.interfaces.flatMap((i, idx) => {
    const base = {
      InterfaceIndex: String(idx + 1),
      Name: i.name,
      AdminStatus: i.adminStatus,
      OperStatus: i.operStatus,
      MACAddress: i.mac ?? "",
      MTU: s(i.mtu),
      RxHCPackets: s(i.rxPackets),
      TxHCPackets: s(i.txPackets),
      RxErrors2: s(i.rxErrors),
      TxErrors2: s(i.txErrors),
      RxDrops2: s(i.rxDrops),
      TxDrops2: s(i.txDrops),
    };
    if (i.addresses.length === 0) return [{ ...base, IP: "", PrefixLength: "" }];
    return i.addresses.map((a) => ({ ...base, IP: a.split("/")[0], PrefixLength: a.split("/")[1] ?? "" }));
  });
  const parts: PartInput[] = [
    xml("FirmwareVersion", "FirmwareVersion3", [
      { Version: r.firmware.version, Build: r.firmware.build ?? "" },
    ]),
    xml("VirtualPlatform", "VirtualPlatform3", [{ Platform: r.platform.platform }]),
    xml(
      "ObjectStatus",
      "ObjectStatus",
      r.objectStatus.map((o) => ({
        Class: o.className,
        OpState: o.opState,
        AdminState: o.adminState,
        Name: o.name,
        ErrorCode: o.errorCode,
      })),
    ),
    xml(
      "TCPTable",
      "TCPTable",
      r.tcpTable.map((t) => ({
        localIP: t.localIP,
        localPort: String(t.localPort),
        remoteIP: t.remoteIP,
        remotePort: String(t.remotePort),
        state: t.state,
        serviceClass: t.serviceClass ?? "",
        serviceDomain: t.serviceDomain ?? "",
        serviceName: t.serviceName ?? "",
      })),
    ),
    xml("NetworkInterfaceStatus", "NetworkInterfaceStatus", ifRows),
    xml(
      "RoutingStatus",
      "RoutingStatus3",
      r.routes.map((x) => ({
        Destination: x.destination,
        Gateway: x.gateway ?? "",
        Interface: x.interface ?? "",
        Metric: s(x.metric),
        Family: x.family,
        Source: x.source ?? "",
      })),
    ),
    { id: "NetworkInfo" + SUFFIX, contentType: "text/plain", body: r.networkInfo },
  ];
  if (r.dns) {
    const d = r.dns;
    parts.push(
      xml("DNSNameService", "DNSNameService", [
        {
          LoadBalanceAlgorithm: d.loadBalance,
          IPPreference: String(d.ipPreference),
          ForceIPPreference: d.forceIpPreference ? "on" : "off",
          Timeout: String(d.timeoutSeconds),
        },
      ]),
      xml(
        "DNSNameServerStatus2",
        "DNSNameServerStatus2",
        d.servers.map((x) => ({
          IPAddress: x.address,
          UDPPort: String(x.udpPort),
          TCPPort: String(x.tcpPort),
          MaxRetries: String(x.retries),
        })),
      ),
      xml(
        "DNSSearchDomainStatus",
        "DNSSearchDomainStatus",
        d.searchDomains.map((x) => ({ SearchDomain: x })),
      ),
      xml(
        "DNSStaticHostStatus",
        "DNSStaticHostStatus",
        d.staticHosts.map((x) => ({ Hostname: x.hostname, IPAddress: x.address })),
      ),
    );
  }
  parts.push(
    xml(
      "DNSCacheHostStatus4",
      "DNSCacheHostStatus4",
      r.dnsCache.map((c) => ({
        Hostname: c.host,
        IPAddress: c.addresses.join(" "),
        TTL: String(c.ttlRemaining),
        Negative: c.negative ?? "",
      })),
    ),
    { id: "default-config" + SUFFIX, contentType: "text/plain", body: r.runningConfig },
    { id: "default-log" + SUFFIX, contentType: "text/plain", body: r.logText, filename: "default-log" },
  );
  if (r.pcap)
    parts.push({
      id: "BackgroundPacketCapture" + SUFFIX,
      contentType: "application/vnd.tcpdump.pcap",
      body: r.pcap,
      filename: "capture.pcap",
    });
  const boundary = "--dp" + String(r.generatedAt % 1e12).padStart(12, "0");
  return buildMultipart({
    boundary,
    headers: {
      "MIME-Version": "1.0",
      Date: new Date(r.generatedAt).toUTCString(),
      Subject: `DataPower Error Report for domain ${r.domain}`,
    },
    preamble: `DataPower Error Report for domain ${r.domain}`,
    parts,
  });
}

function emptyReport(): ErrorReport {
  return {
    domain: "default",
    firmware: { version: "", text: "" },
    platform: { platform: "", text: "" },
    interfaces: [],
    routes: [],
    networkInfo: "",
    dnsCache: [],
    objectStatus: [],
    tcpTable: [],
    runningConfig: "",
    log: { entries: [], unknown: [], problems: [] },
    logText: "",
    otherParts: [],
    problems: [],
  };
}

/** Text of a report file: gunzips when the bytes start with the gzip magic. */
export function reportText(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    try {
      return gunzipSync(b, { maxOutputLength: MAX_REPORT_BYTES }).toString("utf8");
    } catch (e) {
      throw new BacksideError(
        "BAD_ARTIFACT",
        `error report: gzip data cannot be read: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  return b.toString("utf8");
}

/**
 * Parse an error report held in memory (text, bytes or gzipped bytes). Throws BAD_ARTIFACT only
 * when nothing at all can be read (bad gzip, no multipart structure); a damaged part becomes a
 * problem. Reports on disk are better read with readErrorReport (streamed, bounded memory).
 */
export function parseErrorReport(input: string | Uint8Array, opts: LogReaderOptions = {}): ErrorReport {
  const text = reportText(input);
  const reader = new ReportPartsReader(opts);
  for (let i = 0; i < text.length; i += 1 << 20) reader.write(text.slice(i, i + (1 << 20)));
  return assembleReport(reader.end());
}

/** The ErrorReport from its collected parts; throws BAD_ARTIFACT when there are none. */
export function assembleReport(c: CollectedReport): ErrorReport {
  if (c.parts === 0)
    throw new BacksideError("BAD_ARTIFACT", "error report: no MIME parts found", {
      details: { problems: c.problems.map((p) => p.message) },
    });
  const r = emptyReport();
  const problems = c.problems;
  r.problems = problems;
  const dm = REPORT_DOMAIN.exec(c.preamble) ?? REPORT_DOMAIN.exec(c.headers["subject"] ?? "");
  if (dm) r.domain = dm[1];
  const date = Date.parse(c.headers["date"] ?? "");
  if (Number.isFinite(date)) r.generatedAt = date;
  const byName = c.byName;
  const rows = (name: string, row: string): Row[] | undefined => {
    const p = byName.get(name);
    if (!p) return undefined;
    const errs: string[] = [];
    const out = parseRows(row, p.text, errs);
    for (const m of errs) problems.push({ where: name, message: m });
    return out;
  };
  const known = new Set<string>();
  const use = (name: string) => (known.add(name), name);

  const fw = rows(use("FirmwareVersion"), "FirmwareVersion3")?.[0];
  r.firmware = { version: fw?.Version ?? "", text: byName.get("FirmwareVersion")?.text ?? "" };
  if (fw?.Build) r.firmware.build = fw.Build;
  r.platform = {
    platform: rows(use("VirtualPlatform"), "VirtualPlatform3")?.[0]?.Platform ?? "",
    text: byName.get("VirtualPlatform")?.text ?? "",
  };
  r.objectStatus = (rows(use("ObjectStatus"), "ObjectStatus") ?? []).map((o) => ({
    name: o.Name ?? "",
    className: o.Class ?? "",
    opState: o.OpState ?? "",
    adminState: o.AdminState ?? "",
    errorCode: o.ErrorCode ?? "",
  }));
  r.tcpTable = (rows(use("TCPTable"), "TCPTable") ?? []).map((t) => ({
    localIP: t.localIP ?? "",
    localPort: intIn(t.localPort?.trim(), 0, 65535) ?? 0,
    remoteIP: t.remoteIP ?? "",
    remotePort: intIn(t.remotePort?.trim(), 0, 65535) ?? 0,
    state: t.state ?? "",
    ...(t.serviceClass ? { serviceClass: t.serviceClass } : {}),
    ...(t.serviceDomain ? { serviceDomain: t.serviceDomain } : {}),
    ...(t.serviceName ? { serviceName: t.serviceName } : {}),
  }));
  const ifs = new Map<string, InterfaceStatus>();
  for (const x of rows(use("NetworkInterfaceStatus"), "NetworkInterfaceStatus") ?? []) {
    const name = x.Name ?? "";
    let i = ifs.get(name);
    if (!i) {
      i = { name, adminStatus: x.AdminStatus ?? "", operStatus: x.OperStatus ?? "", addresses: [] };
      const opt = {
        mac: x.MACAddress || undefined,
        mtu: num(x.MTU),
        rxPackets: num(x.RxHCPackets),
        txPackets: num(x.TxHCPackets),
        rxErrors: num(x.RxErrors2),
        txErrors: num(x.TxErrors2),
        rxDrops: num(x.RxDrops2),
        txDrops: num(x.TxDrops2),
      };
      for (const [k, v] of Object.entries(opt))
        if (v !== undefined) (i as unknown as Record<string, unknown>)[k] = v;
      ifs.set(name, i);
    }
    if (x.IP) i.addresses.push(x.PrefixLength ? `${x.IP}/${x.PrefixLength}` : x.IP);
  }
  r.interfaces = [...ifs.values()];
  r.routes = (rows(use("RoutingStatus"), "RoutingStatus3") ?? []).map((x) => ({
    destination: x.Destination ?? "",
    family:
      x.Family === "inet6" || (x.Destination ?? "").includes(":") ? ("inet6" as const) : ("inet" as const),
    ...(x.Gateway ? { gateway: x.Gateway } : {}),
    ...(x.Interface ? { interface: x.Interface } : {}),
    ...(num(x.Metric) !== undefined ? { metric: num(x.Metric) } : {}),
    ...(x.Source ? { source: x.Source } : {}),
  }));
  r.networkInfo = byName.get(use("NetworkInfo"))?.text ?? "";
  r.runningConfig = byName.get(use("default-config"))?.text ?? "";
  const cfg = parseRunningConfig(r.runningConfig);
  for (const m of cfg.problems) problems.push({ where: "default-config", message: m });
  const dns = dnsFromParts(rows, use) ?? dnsFromConfig(cfg.blocks);
  if (dns) r.dns = dns;
  r.dnsCache = (rows(use("DNSCacheHostStatus4"), "DNSCacheHostStatus4") ?? []).map((c) => ({
    host: c.Hostname ?? "",
    addresses: (c.IPAddress ?? "").split(ADDRESS_LIST).filter(Boolean),
    ttlRemaining: num(c.TTL) ?? 0,
    ...(c.Negative ? { negative: c.Negative } : {}),
  }));
  use("default-log");
  r.logText = c.logText;
  if (c.log) r.log = c.log;
  const cap = byName.get(use("BackgroundPacketCapture"));
  if (cap) r.pcap = new Uint8Array(cap.body);
  for (const [name, p] of byName)
    if (!known.has(name))
      r.otherParts.push({ id: name, contentType: p.contentType, text: p.text.slice(0, 64 * 1024) });
  for (const required of ["FirmwareVersion", "default-config", "default-log"])
    if (!byName.has(required)) problems.push({ where: required, message: "part missing" });
  return r;
}

function dnsFromParts(
  rows: (name: string, row: string) => Row[] | undefined,
  use: (n: string) => string,
): DnsConfig | undefined {
  const svc = rows(use("DNSNameService"), "DNSNameService");
  const servers = rows(use("DNSNameServerStatus2"), "DNSNameServerStatus2");
  const search = rows(use("DNSSearchDomainStatus"), "DNSSearchDomainStatus");
  const statics = rows(use("DNSStaticHostStatus"), "DNSStaticHostStatus");
  if (!svc && !servers) return undefined;
  const s = svc?.[0] ?? {};
  return {
    servers: (servers ?? []).map((x) => ({
      address: x.IPAddress ?? "",
      udpPort: intIn(x.UDPPort?.trim(), 0, 65535) ?? 53,
      tcpPort: intIn(x.TCPPort?.trim(), 0, 65535) ?? 53,
      retries: intIn(x.MaxRetries?.trim(), 0, 1000) ?? 3,
    })),
    loadBalance: s.LoadBalanceAlgorithm === "round-robin" ? "round-robin" : "first-alive",
    searchDomains: (search ?? []).map((x) => x.SearchDomain ?? "").filter(Boolean),
    staticHosts: (statics ?? []).map((x) => ({ hostname: x.Hostname ?? "", address: x.IPAddress ?? "" })),
    ipPreference: s.IPPreference === "6" ? 6 : 4,
    forceIpPreference: s.ForceIPPreference === "on",
    timeoutSeconds: num(s.Timeout) ?? 5,
  };
}

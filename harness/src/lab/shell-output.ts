/**
 * The lab shell's output wording. The appliance's exact text is not public (DOMAIN.md §6), so
 * this is ours, short and fixed; images/gateway/README.md lists it beside the event catalog.
 * Pure functions from the management API's JSON to text.
 */
import type { DnsCacheEntry, DnsConfig, TcpEntry } from "../appliance/types.js";
import type { ConnectionTestResult } from "../standins/gateway/gateway.js";

export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i])))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}

export function showDns(
  d: DnsConfig & { serverStatus: { address: string; port: number; status: string }[] },
): string {
  const lines = [
    "DNS settings (default domain)",
    `  load balance: ${d.loadBalance}   timeout: ${d.timeoutSeconds} s   IP preference: ${d.ipPreference}${d.forceIpPreference ? " (forced)" : ""}`,
    `  search domains: ${d.searchDomains.length ? d.searchDomains.join(", ") : "(none)"}`,
    `  static hosts: ${d.staticHosts.length ? d.staticHosts.map((h) => `${h.hostname} ${h.address}`).join(", ") : "(none)"}`,
  ];
  if (!d.serverStatus.length) return [...lines, "Name servers: none configured"].join("\n");
  return [
    ...lines,
    "Name servers",
    table(
      ["#", "address", "port", "status"],
      d.serverStatus.map((s, i) => [String(i + 1), s.address, String(s.port), s.status]),
    ),
  ].join("\n");
}

export function showDnsCache(entries: DnsCacheEntry[]): string {
  if (!entries.length) return "DNS cache is empty";
  return table(
    ["host", "address", "TTL left (s)"],
    entries.map((e) => [
      e.host,
      e.addresses.length ? e.addresses.join(",") : `(${e.negative ?? "none"})`,
      String(e.ttlRemaining),
    ]),
  );
}

export function showRoute(
  routes: { destination: string; family?: string; gateway?: string; interface?: string; metric?: number }[],
): string {
  const v4 = routes.filter((r) => r.family !== "inet6");
  if (!v4.length) return "no routes";
  return table(
    ["destination", "gateway", "interface", "metric"],
    v4.map((r) => [
      r.destination,
      r.gateway ?? "-",
      r.interface ?? "-",
      r.metric === undefined ? "-" : String(r.metric),
    ]),
  );
}

export function showNetarp(
  entries: { address: string; mac?: string; interface?: string; state: string }[],
): string {
  if (!entries.length) return "ARP table is empty";
  return table(
    ["address", "MAC", "interface", "state"],
    entries.map((e) => [e.address, e.mac ?? "(incomplete)", e.interface ?? "-", e.state]),
  );
}

const loopback = (e: TcpEntry) => e.localIP.startsWith("127.") && e.remoteIP.startsWith("127.");

/** Loopback-to-loopback rows are the shell's own management calls: left out, and counted. */
export function showTcp(all: TcpEntry[]): string {
  const entries = all.filter((e) => !loopback(e));
  const hidden = all.length - entries.length;
  const note = hidden ? `\n(${hidden} loopback management connection(s) not shown)` : "";
  if (!entries.length) return "TCP table is empty" + note;
  return (
    table(
      ["local", "remote", "state", "service"],
      entries.map((e) => [
        `${e.localIP}:${e.localPort}`,
        `${e.remoteIP}:${e.remotePort}`,
        e.state,
        e.serviceName ? `${e.serviceClass ?? ""} ${e.serviceName}`.trim() : "-",
      ]),
    ) + note
  );
}

/** The gateway's TCP Connection Test answer, as its management API returns it. */
export type ConnTest = ConnectionTestResult;

const FAILURE_TEXT: Record<string, string> = {
  "connect-timeout": "connection timed out",
  refused: "connection refused",
  "host-unreachable": "host unreachable",
  "net-unreachable": "network unreachable",
};

export function testTcpConnection(r: ConnTest): string {
  const where = `${r.host}:${r.port}${r.address && r.address !== r.host ? ` (${r.address})` : ""}`;
  if (r.success) return `TCP connection successful: ${where} in ${r.ms} ms`;
  if (r.kind === "dns")
    return `TCP connection failed: cannot resolve ${r.host} (${r.errno ?? "no answer"}) after ${r.ms} ms`;
  const why = FAILURE_TEXT[r.kind ?? ""] ?? r.errno ?? r.kind ?? "failed";
  return `TCP connection failed: ${where}: ${why}${r.errno ? ` (${r.errno})` : ""} after ${r.ms} ms`;
}

export function pingText(r: {
  host: string;
  address?: string;
  transmitted: number;
  received: number;
  lines: string[];
  error?: string;
}): string {
  if (r.error && !r.transmitted) return `Ping ${r.host}: ${r.error}`;
  const loss = r.transmitted ? Math.round((100 * (r.transmitted - r.received)) / r.transmitted) : 100;
  return [
    `Ping ${r.host}${r.address && r.address !== r.host ? ` (${r.address})` : ""}`,
    ...r.lines.map((l) => `  ${l}`),
    `${r.transmitted} packets transmitted, ${r.received} received, ${loss}% packet loss`,
  ].join("\n");
}

export function nslookupText(r: {
  name: string;
  server?: string;
  status: string;
  addresses: string[];
  ttl?: number;
  ms: number;
}): string {
  if (r.status === "NOT_CONFIGURED") return `nslookup ${r.name}: no name server configured`;
  const lines = [`Server:  ${r.server ?? "-"}`, `Name:    ${r.name}`, `Status:  ${r.status} in ${r.ms} ms`];
  for (const a of r.addresses) lines.push(`Address: ${a}${r.ttl !== undefined ? ` (TTL ${r.ttl} s)` : ""}`);
  return lines.join("\n");
}

const CURL_EXITS: Record<number, string> = {
  7: "could not connect",
  28: "timed out",
  52: "empty reply",
  56: "connection reset",
};

export function sendRequestText(r: { status: number; exitCode: number; seconds: number }): string {
  if (r.status) return `HTTP ${r.status} after ${r.seconds.toFixed(2)} s`;
  return `no HTTP answer (curl exit ${r.exitCode}${CURL_EXITS[r.exitCode] ? `: ${CURL_EXITS[r.exitCode]}` : ""}) after ${r.seconds.toFixed(2)} s`;
}

/**
 * Builds the error report from the live state: network (system-state.ts), DNS settings and
 * cache, object status with the last error, the TCP table marked with the service it belongs
 * to, the running config, the kept log, and the latest packet capture when asked.
 */
import { readFileSync } from "node:fs";
import { buildErrorReport, type ErrorReportInput } from "../../appliance/error-report.js";
import { renderRunningConfig, type ServiceSettings } from "../../appliance/running-config.js";
import type { DnsConfig, TcpEntry } from "../../appliance/types.js";
import { connectTimeoutMs, type GatewayConfig } from "./config.js";
import { readNetwork, readTcpTable } from "./system-state.js";

export function dnsConfigOf(c: GatewayConfig): DnsConfig {
  return {
    servers: c.dns.servers.map((s) => ({
      address: s.address,
      udpPort: s.udpPort,
      tcpPort: s.tcpPort,
      retries: s.retries,
    })),
    loadBalance: c.dns.loadBalance,
    searchDomains: c.dns.searchDomains,
    staticHosts: c.dns.staticHosts,
    ipPreference: c.dns.ipPreference,
    forceIpPreference: c.dns.forceIpPreference,
    timeoutSeconds: c.dns.timeout,
  };
}

export function serviceSettingsOf(c: GatewayConfig, frontPort: number): ServiceSettings {
  const s = c.service;
  return {
    name: s.name,
    frontPort,
    backendUrl: s.backendUrl,
    backTimeout: s.backTimeout,
    backPersistentTimeout: s.backPersistentTimeout,
    frontTimeout: s.frontTimeout,
    frontPersistentTimeout: s.frontPersistentTimeout,
    persistentConnections: s.persistentConnections,
    connectTimeoutMs: connectTimeoutMs(c),
    sslVerify: c.tls.verify,
  };
}

export interface LiveState {
  config: GatewayConfig;
  frontPort: number;
  mgmtPort?: number;
  dnsCache: ErrorReportInput["dnsCache"];
  backendAddresses: string[];
  backendPort: number;
  opState: string;
  lastError: string;
  logText: string;
  captureFile?: string;
}

/** Marks the rows that belong to the service (front listener/clients, backend connections). */
export function markService(rows: TcpEntry[], s: LiveState): TcpEntry[] {
  const mark = {
    serviceClass: "MultiProtocolGateway",
    serviceDomain: "default",
    serviceName: s.config.service.name,
  };
  return rows.map((r) => {
    const front = r.localPort === s.frontPort;
    const back = r.remotePort === s.backendPort && s.backendAddresses.includes(r.remoteIP);
    const mgmt = s.mgmtPort !== undefined && r.localPort === s.mgmtPort;
    if (front || back) return { ...r, ...mark };
    if (mgmt)
      return {
        ...r,
        serviceClass: "RestMgmtInterface",
        serviceDomain: "default",
        serviceName: "RestMgmtInterface",
      };
    return r;
  });
}

export async function collectErrorReport(s: LiveState): Promise<{ text: string; notes: string[] }> {
  const [net, tcp] = await Promise.all([readNetwork(), readTcpTable()]);
  let pcap: Uint8Array | undefined;
  const notes = [...net.notes];
  if (s.captureFile && s.config.errorReport.includeCapture) {
    try {
      pcap = readFileSync(s.captureFile);
    } catch {
      notes.push(`capture ${s.captureFile} cannot be read`);
    }
  }
  const input: ErrorReportInput = {
    domain: s.config.log.domain,
    generatedAt: Date.now(),
    firmware: { version: s.config.firmware, build: "backside" },
    platform: { platform: "docker" },
    interfaces: net.interfaces,
    routes: net.routes,
    networkInfo: net.networkInfo,
    dns: dnsConfigOf(s.config),
    dnsCache: s.dnsCache,
    objectStatus: [
      {
        name: s.config.service.name,
        className: "MultiProtocolGateway",
        opState: s.opState,
        adminState: "enabled",
        errorCode: s.lastError,
      },
      {
        name: s.config.service.name + "_HTTP_FSH",
        className: "HTTPSourceProtocolHandler",
        opState: s.opState,
        adminState: "enabled",
        errorCode: "",
      },
      {
        name: "default",
        className: "DNSNameService",
        opState: s.config.dns.servers.length || s.config.dns.staticHosts.length ? "up" : "down",
        adminState: "enabled",
        errorCode: s.config.dns.servers.length ? "" : "No name servers configured",
      },
    ],
    tcpTable: markService(tcp, s),
    runningConfig: renderRunningConfig(serviceSettingsOf(s.config, s.frontPort), dnsConfigOf(s.config)),
    logText: s.logText,
    pcap,
  };
  return { text: buildErrorReport(input), notes };
}

/**
 * Parsed shapes of the appliance's own artifacts: its log lines and its error report.
 * The gateway stand-in writes them, the engine reads them. This file is a contract:
 * extend it (add optional fields), never rename or remove.
 */

/** Log levels, most to least severe (DOMAIN.md §2). */
export const LOG_LEVELS = ["emerg", "alert", "critic", "error", "warn", "notice", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A problem found while reading an artifact; the reader keeps going. */
export interface Problem {
  /** Where: a 1-based line number, or a part name of the error report. */
  where: string;
  message: string;
}

export interface LogEntry {
  /** Milliseconds since the epoch (UTC); NaN never appears: unparseable times go to `unknown`. */
  time: number;
  /** The timestamp as written. */
  timeText: string;
  /** Application domain (`default`, `apiconnect`...), when the line carries one. */
  domain?: string;
  /** Event code as `0x` + 8 lower-case hex digits, when the line carries one. */
  code?: string;
  /** Log category (`mpgw`, `network`, `dns`, `ssl`, ...). */
  category: string;
  level: LogLevel;
  /** Object class before the parenthesis (`mpgw`, `xmlmgr`, `dns-name-service`). */
  objectType: string;
  /** Object name inside the parenthesis (`TEST_MPGW`). */
  objectName: string;
  /** Transaction id from `tid(n)`; 0 when the line has none. */
  tid: number;
  /** Transaction type (`request`, `response`, `scheduled`, `error`...), when present. */
  txnType?: string;
  /** Client address in the second bracket after tid, when present. */
  clientIp?: string;
  /** Global transaction id from `gtid(n)`, when present. */
  gtid?: number;
  message: string;
  /** 1-based line number in the source text. */
  line: number;
  raw: string;
}

export interface ParsedLog {
  entries: LogEntry[];
  /** Lines that are not log entries (kept, truncated to a bounded length). */
  unknown: { line: number; text: string }[];
  problems: Problem[];
  /** Entries read, also those beyond what `entries` keeps (log-reader.ts MAX_ENTRIES). */
  entriesSeen?: number;
  /** True when entries were read but not kept: the log is longer than what is kept. */
  truncated?: boolean;
}

export interface InterfaceStatus {
  name: string;
  /** `up`/`down` as configured. */
  adminStatus: string;
  /** `up`/`down`/`lowerlayerdown`/`unknown`: the carrier as the kernel sees it. */
  operStatus: string;
  mac?: string;
  mtu?: number;
  /** CIDR strings, e.g. `10.100.1.10/24`, `fe80::1/64`. */
  addresses: string[];
  rxPackets?: number;
  txPackets?: number;
  rxErrors?: number;
  txErrors?: number;
  rxDrops?: number;
  txDrops?: number;
}

export interface Route {
  /** `default` or a CIDR. */
  destination: string;
  gateway?: string;
  interface?: string;
  metric?: number;
  /** `inet` or `inet6`. */
  family: "inet" | "inet6";
  /** Preferred source address, when set. */
  source?: string;
}

export interface DnsServer {
  address: string;
  udpPort: number;
  tcpPort: number;
  retries: number;
}

export interface StaticHost {
  hostname: string;
  address: string;
}

export interface DnsConfig {
  servers: DnsServer[];
  loadBalance: "first-alive" | "round-robin";
  searchDomains: string[];
  staticHosts: StaticHost[];
  /** 4 or 6: which family is preferred; `forceIpPreference` asks only that family. */
  ipPreference: 4 | 6;
  forceIpPreference: boolean;
  /** Seconds to wait for one server before the next. */
  timeoutSeconds: number;
}

export interface DnsCacheEntry {
  host: string;
  addresses: string[];
  /** Seconds left when the report was made (0 or less = expired). */
  ttlRemaining: number;
  /** A negative entry (`NXDOMAIN`, `NODATA`...) when the answer was a failure. */
  negative?: string;
}

export interface ObjectStatus {
  name: string;
  /** Object class (`MultiProtocolGateway`, `DNSNameService`...). */
  className: string;
  opState: string;
  adminState: string;
  /** Last error text, empty when none. */
  errorCode: string;
}

export interface TcpEntry {
  localIP: string;
  localPort: number;
  remoteIP: string;
  remotePort: number;
  /** Linux names: `established`, `syn_sent`, `listen`, `time_wait`... */
  state: string;
  serviceClass?: string;
  serviceDomain?: string;
  serviceName?: string;
}

export interface ErrorReport {
  domain: string;
  firmware: { version: string; build?: string; text: string };
  platform: { platform: string; text: string };
  interfaces: InterfaceStatus[];
  routes: Route[];
  /** Linux `ip addr` / `ip route` text as captured (NetworkInfo part). */
  networkInfo: string;
  dns?: DnsConfig;
  dnsCache: DnsCacheEntry[];
  objectStatus: ObjectStatus[];
  tcpTable: TcpEntry[];
  /** `default-config` in CLI syntax. */
  runningConfig: string;
  /** `default-log` parsed. */
  log: ParsedLog;
  /** The raw `default-log` text. */
  logText: string;
  /** BackgroundPacketCapture bytes (a pcap file), when the report has one. */
  pcap?: Uint8Array;
  /** When the report was made (ms since epoch), from its Date header. */
  generatedAt?: number;
  /** Content-IDs of parts this parser did not recognise, with their decoded text (bounded). */
  otherParts: { id: string; contentType: string; text: string }[];
  problems: Problem[];
}

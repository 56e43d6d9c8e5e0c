/**
 * The running config (`default-config` part) in the appliance's CLI syntax:
 *   mpgw "TEST_MPGW"
 *     backend-url "http://backend.example:80/"
 *     back-timeout 120
 *   exit
 *   dns
 *     name-server 10.100.3.53 53 53 0 3
 *     load-balance first-alive
 *   exit
 * Only what the stand-in has is written; the reader is generic (blocks of `key value...` lines
 * closed by `exit`) so real configs read too, and a broken line is skipped and reported.
 */
import type { DnsConfig } from "./types.js";

export interface ServiceSettings {
  name: string;
  frontPort: number;
  backendUrl: string;
  backTimeout: number;
  backPersistentTimeout: number;
  frontTimeout: number;
  frontPersistentTimeout: number;
  persistentConnections: boolean;
  /** Milliseconds; the stand-in's own setting (the appliance has none separate from back-timeout). */
  connectTimeoutMs: number;
  sslVerify: boolean;
}

export interface ConfigBlock {
  kind: string;
  name?: string;
  /** Each line's words, quotes removed. */
  lines: string[][];
  line: number;
}

const QUOTE_OR_BACKSLASH = /["\\]/g;
// A quoted word (escapes inside) or a bare one: one way to match each character, so linear.
const WORD = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
const ESCAPED = /\\(.)/g;
const QUOTE = /"/g;
const NEWLINE = /\r?\n/;
const INDENTED = /^\s/;
const DIGITS = /^\d{1,10}$/;
/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const RUNNING_CONFIG_PATTERNS: Record<string, RegExp> = {
  QUOTE_OR_BACKSLASH,
  WORD,
  ESCAPED,
  QUOTE,
  NEWLINE,
  INDENTED,
  DIGITS,
};

const q = (s: string) => `"${s.replace(QUOTE_OR_BACKSLASH, "\\$&")}"`;

export function renderRunningConfig(service: ServiceSettings, dns: DnsConfig): string {
  const out: string[] = ["top; configure terminal;", "", '%if% available "dns"', "", "dns"];
  out.push("  admin-state enabled");
  for (const d of dns.searchDomains) out.push(`  search-domain ${q(d)}`);
  for (const s of dns.servers)
    out.push(`  name-server ${s.address} ${s.udpPort} ${s.tcpPort} 0 ${s.retries}`);
  for (const h of dns.staticHosts) out.push(`  static-host ${q(h.hostname)} ${h.address}`);
  out.push(
    `  ip-preference ${dns.ipPreference}`,
    `  force-ip-preference ${dns.forceIpPreference ? "on" : "off"}`,
  );
  out.push(`  load-balance ${dns.loadBalance}`, `  timeout ${dns.timeoutSeconds}`, "exit", "", "%endif%", "");
  out.push(
    `mpgw ${q(service.name)}`,
    "  admin-state enabled",
    `  front-protocol ${q(service.name + "_HTTP_FSH")}`,
  );
  out.push(`  backend-url ${q(service.backendUrl)}`);
  out.push(`  front-timeout ${service.frontTimeout}`, `  back-timeout ${service.backTimeout}`);
  out.push(
    `  front-persistent-timeout ${service.frontPersistentTimeout}`,
    `  back-persistent-timeout ${service.backPersistentTimeout}`,
  );
  out.push(`  persistent-connections ${service.persistentConnections ? "on" : "off"}`);
  out.push(
    `  connect-timeout-ms ${service.connectTimeoutMs}`,
    `  ssl-validate ${service.sslVerify ? "on" : "off"}`,
    "exit",
    "",
  );
  out.push(
    `source-http ${q(service.name + "_HTTP_FSH")}`,
    "  local-address 0.0.0.0",
    `  local-port ${service.frontPort}`,
    "exit",
    "",
  );
  return out.join("\n");
}

function words(line: string): string[] | undefined {
  const out: string[] = [];
  for (const m of line.matchAll(WORD)) out.push(m[1] !== undefined ? m[1].replace(ESCAPED, "$1") : m[2]);
  // An odd number of unescaped quotes means a broken line.
  return (line.replace(ESCAPED, "").match(QUOTE) ?? []).length % 2 === 0 ? out : undefined;
}

export function parseRunningConfig(text: string): { blocks: ConfigBlock[]; problems: string[] } {
  const blocks: ConfigBlock[] = [];
  const problems: string[] = [];
  let cur: ConfigBlock | undefined;
  text.split(NEWLINE).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("%") || line.startsWith("top;")) return;
    const w = words(line);
    if (!w) {
      problems.push(`default-config line ${i + 1}: unbalanced quotes`);
      return;
    }
    if (line === "exit") {
      if (cur) blocks.push(cur);
      else problems.push(`default-config line ${i + 1}: exit outside a block`);
      cur = undefined;
    } else if (!INDENTED.test(raw) || !cur) {
      if (cur) {
        problems.push(`default-config line ${cur.line}: block ${cur.kind} not closed by exit`);
        blocks.push(cur);
      }
      cur = { kind: w[0], name: w[1], lines: [], line: i + 1 };
    } else cur.lines.push(w);
  });
  if (cur) {
    problems.push(`default-config line ${cur.line}: block ${cur.kind} not closed by exit`);
    blocks.push(cur);
  }
  return { blocks, problems };
}

/** An integer within [lo, hi] written as digits, else undefined (a damaged line keeps the default). */
export function intIn(v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined || !DIGITS.test(v)) return undefined;
  const n = Number(v);
  return n >= lo && n <= hi ? n : undefined;
}

/** The DNS settings from a `dns` block, when there is one. */
export function dnsFromConfig(blocks: ConfigBlock[]): DnsConfig | undefined {
  const b = blocks.find((x) => x.kind === "dns");
  if (!b) return undefined;
  const dns: DnsConfig = {
    servers: [],
    loadBalance: "first-alive",
    searchDomains: [],
    staticHosts: [],
    ipPreference: 4,
    forceIpPreference: false,
    timeoutSeconds: 5,
  };
  for (const [k, ...a] of b.lines) {
    if (k === "name-server" && a[0])
      dns.servers.push({
        address: a[0],
        udpPort: intIn(a[1], 0, 65535) ?? 53,
        tcpPort: intIn(a[2], 0, 65535) ?? 53,
        retries: intIn(a[4] ?? a[3], 0, 1000) ?? 3,
      });
    else if (k === "search-domain" && a[0]) dns.searchDomains.push(a[0]);
    else if (k === "static-host" && a[1]) dns.staticHosts.push({ hostname: a[0], address: a[1] });
    else if (k === "load-balance") dns.loadBalance = a[0] === "round-robin" ? "round-robin" : "first-alive";
    else if (k === "ip-preference") dns.ipPreference = a[0] === "6" ? 6 : 4;
    else if (k === "force-ip-preference") dns.forceIpPreference = a[0] === "on";
    else if (k === "timeout" && intIn(a[0], 0, 86400) !== undefined) dns.timeoutSeconds = Number(a[0]);
  }
  return dns;
}

/** `key -> first value` of a block's lines (for `mpgw` settings such as back-timeout). */
export function blockSettings(b: ConfigBlock): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, ...a] of b.lines) if (!(k in out)) out[k] = a.join(" ");
  return out;
}

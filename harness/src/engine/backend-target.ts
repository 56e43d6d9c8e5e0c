/**
 * Which backend the diagnosis is about, from the artifacts alone: the user's --target first, then
 * the error report's running config (`backend-url`), then the log (connect attempts, URLs, hosts
 * that failed to resolve). Addresses come from the target itself when it is an address, static
 * hosts, the DNS cache, and resolutions in the log; the capture adds DNS answers for the name later
 * (capture-evidence.ts).
 */
import { isIP } from "node:net";
import { blockSettings, parseRunningConfig, type ErrorReport } from "../appliance/index.js";
import type { LogFact } from "./log-evidence.js";

export interface BackendTarget {
  /** The host as configured: a DNS name or an address. */
  host?: string;
  port?: number;
  scheme?: "http" | "https";
  /** Addresses known to be (or to have been) the backend's. */
  addresses: Set<string>;
  /** The gateway's own addresses and front port: connections to them are inbound, not backend. */
  gatewayAddresses: Set<string>;
  frontPort?: number;
  /** Back timeout in seconds, when the config says. */
  backTimeout?: number;
  /** How the host was learned: "target", "report", "log", "capture". */
  from?: string;
}

export function normName(n: string): string {
  return n.trim().toLowerCase().replace(/\.$/, "");
}

/** True when a DNS query name is the backend's name, directly or with a search domain appended. */
/** A question cut short by the capture (its first whole labels) matches the host it begins. */
export function cutNameMatches(labels: string, host: string | undefined): boolean {
  return !!host && labels !== "" && `${normName(host)}.`.startsWith(`${normName(labels)}.`);
}

export function nameMatches(query: string, host: string | undefined, searchDomains: string[] = []): boolean {
  if (!host) return false;
  const q = normName(query);
  const h = normName(host);
  return q === h || searchDomains.some((d) => q === `${h}.${normName(d)}`);
}

function fromUrl(url: string): { host: string; port?: number; scheme?: "http" | "https" } | undefined {
  try {
    const u = new URL(url);
    const scheme = u.protocol === "https:" ? "https" : u.protocol === "http:" ? "http" : undefined;
    const port = u.port ? Number(u.port) : scheme === "https" ? 443 : scheme === "http" ? 80 : undefined;
    const host = u.hostname.replace(/^\[|\]$/g, "");
    return { host, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}) };
  } catch {
    return undefined;
  }
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
export function parseHostPort(s: string): { host: string; port?: number } | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) return { host: v6[1], ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  if (isIP(t) === 6) return { host: t };
  const m = /^([^:]+)(?::(\d+))?$/.exec(t);
  if (!m) return undefined;
  return { host: m[1], ...(m[2] ? { port: Number(m[2]) } : {}) };
}

export function findBackend(
  target: { host: string; port?: number } | undefined,
  report: ErrorReport | undefined,
  log: LogFact[],
): BackendTarget {
  const b: BackendTarget = { addresses: new Set(), gatewayAddresses: new Set() };
  if (target) {
    b.host = target.host;
    if (target.port !== undefined) b.port = target.port;
    b.from = "target";
  }
  if (report) {
    for (const i of report.interfaces) for (const a of i.addresses) b.gatewayAddresses.add(a.split("/")[0]);
    const cfg = parseRunningConfig(report.runningConfig).blocks;
    const svc = cfg.find((x) => x.kind === "mpgw" || x.kind === "xmlfirewall");
    const settings = svc ? blockSettings(svc) : {};
    const u = settings["backend-url"] ? fromUrl(settings["backend-url"]) : undefined;
    if (u && !b.host) {
      b.host = u.host;
      b.from = "report";
    }
    if (u && b.port === undefined && (!target || normName(u.host) === normName(target.host))) b.port = u.port;
    if (u?.scheme) b.scheme = u.scheme;
    const bt = Number(settings["back-timeout"]);
    if (Number.isFinite(bt) && bt > 0) b.backTimeout = bt;
    const fsh = cfg.find((x) => x.kind === "source-http" || x.kind === "source-https");
    const fp = fsh ? Number(blockSettings(fsh)["local-port"]) : NaN;
    if (Number.isFinite(fp)) b.frontPort = fp;
  }
  if (!b.host) {
    // The first host the log names: a connect attempt, a URL of a failure line, a failed resolution.
    for (const f of log) {
      const p = f.params;
      const h = p.host ?? (p.url ? fromUrl(p.url)?.host : undefined);
      if (h && h !== "?") {
        b.host = h;
        b.from = "log";
        const u = p.url ? fromUrl(p.url) : undefined;
        if (b.port === undefined && u?.port !== undefined) b.port = u.port;
        break;
      }
    }
  }
  if (b.host && isIP(b.host)) b.addresses.add(b.host);
  if (report && b.host) {
    for (const s of report.dns?.staticHosts ?? [])
      if (normName(s.hostname) === normName(b.host)) b.addresses.add(s.address);
    for (const c of report.dnsCache)
      if (!c.negative && normName(c.host) === normName(b.host))
        for (const a of c.addresses) if (isIP(a)) b.addresses.add(a);
  }
  for (const f of log) {
    const p = f.params;
    const sameHost = p.host !== undefined && b.host !== undefined && normName(p.host) === normName(b.host);
    if (f.event === "connectAttempt" && (sameHost || !b.host || p.host === undefined) && p.address) {
      b.addresses.add(p.address);
      if (b.port === undefined && Number(p.port) > 0) b.port = Number(p.port);
    }
    if ((f.event === "dnsResolved" || f.event === "dnsCacheHit") && sameHost && p.addresses) {
      for (const a of p.addresses.split(/[\s,[\]]+/)) if (isIP(a)) b.addresses.add(a);
    }
    if (f.event === "dnsStaticHost" && sameHost && p.address && isIP(p.address)) b.addresses.add(p.address);
  }
  return b;
}

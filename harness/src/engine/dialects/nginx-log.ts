/**
 * nginx's error log and access log (DOMAIN.md section 10). Error-log lines are
 * `YYYY/MM/DD HH:MM:SS [level] pid#tid: *conn message, client: ..., upstream: "url", ...`; the
 * upstream failures carry the C library's errno text (ngx_event_connect.c, ngx_http_upstream.c).
 * Access-log lines are read in nginx-access.ts. `*conn` is nginx's connection number in both. Lines
 * may come through syslog (`error_log syslog:server=...`): the header is taken off first.
 */
import type { EventName, LogLevel } from "../../appliance/index.js";
import type { LogFact } from "../log-evidence.js";
import { dialectFact, numberedLines, type DialectLine } from "./dialect-fact.js";
import { accessFacts, isNginxAccessLine, NGINX_KV_LINE } from "./nginx-access.js";
import { unwrapSyslog } from "./syslog-prefix.js";

export const NGINX_ERROR_LINE =
  /^(?<ts>\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[(?<level>\w+)\] \d+#\d+: (?:\*(?<conn>\d+) )?(?<msg>.*)$/;
export const NGINX_ACCESS_LINE = NGINX_KV_LINE;

/** Whether a line (maybe with a syslog header) is nginx's, error or access log. */
export function isNginxLine(raw: string): boolean {
  const text = unwrapSyslog(raw).text;
  return NGINX_ERROR_LINE.test(text) || isNginxAccessLine(text);
}

const LEVEL: Record<string, LogLevel> = {
  emerg: "emerg",
  alert: "alert",
  crit: "critic",
  error: "error",
  warn: "warn",
  notice: "notice",
  info: "info",
  debug: "debug",
};

/** Failures that happen on an established upstream connection. */
const AFTER_CONNECT = new Set<EventName>([
  "backendNoResponse",
  "backendClosed",
  "connectionReset",
  "backendAnswerRejected",
]);

const CLIENT_SIDE =
  /client prematurely closed|client closed|while sending to client|client sent|client timed out/;

interface Reading {
  event: EventName;
  params: Record<string, string>;
}

/** What one upstream message says, as an appliance event; undefined for lines that do not matter. */
export function readNginxMessage(msg: string): Reading | undefined {
  const url = /upstream: "(?<url>[^"]+)"/.exec(msg)?.groups?.url ?? "";
  const hp = /^\w+:\/\/(?:\[(?<v6>[\da-fA-F:.]+)\]|(?<address>[^/:[]+)):(?<port>\d+)/.exec(url)?.groups ?? {};
  // The upstream field shows the address nginx connected to, never the configured name: no `url`
  // (a host read from it would hide the name the captures' DNS answers give).
  const at = { address: hp.v6 ?? hp.address ?? "", port: hp.port ?? "" };
  const errno = /\((?<n>\d+): (?<text>[^)]*)\)/.exec(msg)?.groups;
  const resolve = /^(?<host>\S+) could not be resolved \((?<n>\d+): (?<text>[^)]*)\)/.exec(msg)?.groups;
  if (resolve)
    return { event: "dnsResolveFailed", params: { host: resolve.host, reason: resolverReason(resolve) } };
  const noResolver = /no resolver defined to resolve (?<host>\S+)/.exec(msg)?.groups;
  if (noResolver)
    return {
      event: "dnsResolveFailed",
      params: {
        host: noResolver.host.replace(/,$/, ""),
        reason: "no name servers configured (no resolver defined)",
      },
    };
  // The client went away (nginx logs it at info): an errno in such a line is the client's.
  if (CLIENT_SIDE.test(msg.split(", client: ")[0])) return undefined;
  // A consequence of the failure logged just before it (max_fails reached), not a failure itself.
  if (/^upstream server temporarily disabled/.test(msg)) return undefined;
  // The backend answered something nginx would not take: the connection worked.
  const answered =
    /^(?<what>upstream sent (?:no valid HTTP\/1\.0 header|invalid \w+|too big header|unexpected \w+|duplicate header[^,]*))/.exec(
      msg,
    )?.groups?.what;
  if (answered) return { event: "backendAnswerRejected", params: { ...at, reason: answered } };
  if (/SSL certificate verify error|SSL certificate does not match/.test(msg))
    return { event: "tlsVerifyFailed", params: { ...at, reason: sslReason(msg) } };
  if (/SSL_do_handshake\(\) failed|while SSL handshaking to upstream/.test(msg))
    return { event: "tlsHandshakeFailed", params: { ...at, reason: sslReason(msg) } };
  if (/while connecting to upstream/.test(msg)) {
    if (/upstream timed out/.test(msg))
      return { event: "connectTimedOut", params: { ...at, errno: "ETIMEDOUT" } };
    if (/no live upstreams/.test(msg)) return { event: "backsideFailed", params: at };
    switch (errno?.n) {
      case "111":
        return { event: "connectRefused", params: { ...at, errno: "ECONNREFUSED" } };
      case "113":
        return { event: "hostUnreachable", params: { ...at, errno: "EHOSTUNREACH" } };
      case "101":
        return { event: "netUnreachable", params: { ...at, errno: "ENETUNREACH" } };
    }
    return { event: "backsideFailed", params: at };
  }
  if (/upstream timed out .* while reading (response header|upstream)/.test(msg))
    return { event: "backendNoResponse", params: at };
  if (/upstream prematurely closed connection/.test(msg)) return { event: "backendClosed", params: at };
  if (/\(104: Connection reset by peer\)/.test(msg) && /upstream/.test(msg))
    return { event: "connectionReset", params: at };
  if (/\(32: Broken pipe\)/.test(msg) && /upstream/.test(msg)) return { event: "backendClosed", params: at };
  return undefined;
}

/** nginx's resolver codes (ngx_resolver_strerror) in the words the DNS rules read. */
function resolverReason(g: Record<string, string>): string {
  switch (g.n) {
    // 3 "Host not found" is NXDOMAIN, and also an answer with no address (nginx says the same).
    case "3":
      return `Host not found (${g.n})`;
    case "2":
      return `SERVFAIL (${g.text})`;
    case "5":
      return `REFUSED (${g.text})`;
    case "110":
      return `timed out (${g.text})`;
    default:
      return `${g.text} (${g.n})`;
  }
}

function sslReason(msg: string): string {
  const verify = /verify error: \((?<n>\d+):(?<text>[^)]*)\)/.exec(msg)?.groups;
  if (verify) return `certificate verify failed: ${verify.text}`;
  const ssl = /\(SSL: (?<e>[^)]*)\)/.exec(msg)?.groups?.e;
  return (ssl ?? msg.split(" while ")[0]).slice(0, 200);
}

/** The client and request line an error line names, to find the request in the access log. */
function requestOf(msg: string): Record<string, string> {
  const client = /, client: (?<c>[^,\s]+)/.exec(msg)?.groups?.c;
  const request = /, request: "(?<r>[^"]*)"/.exec(msg)?.groups?.r;
  return client && request ? { client, request } : {};
}

function errorLine(m: RegExpExecArray, line: number, raw: string): DialectLine {
  const g = m.groups!;
  return {
    time: Date.parse(`${g.ts.replace(/\//g, "-").replace(" ", "T")}Z`),
    timeText: g.ts,
    level: LEVEL[g.level] ?? "info",
    tid: Number(g.conn ?? 0),
    message: g.msg,
    line,
    raw,
  };
}

export interface DialectRead {
  facts: LogFact[];
  /** Lines recognised as this dialect's. */
  entries: number;
}

export function readNginxLog(text: string, source: string): DialectRead {
  const facts: LogFact[] = [];
  let entries = 0;
  for (const { line, raw } of numberedLines(text)) {
    const own = unwrapSyslog(raw).text;
    const m = NGINX_ERROR_LINE.exec(own);
    if (m) {
      entries++;
      const l = errorLine(m, line, raw);
      const r = readNginxMessage(l.message);
      if (!r) continue;
      Object.assign(r.params, requestOf(l.message));
      // The address of a failed connect names the backend, as the appliance's connect line does;
      // a failure after the request means the connect had succeeded (a burst's listen queue
      // shows as both kinds side by side).
      const at = { address: r.params.address, port: r.params.port };
      if (r.params.address) facts.push(dialectFact("nginx", l, "connectAttempt", at, source));
      if (AFTER_CONNECT.has(r.event)) facts.push(dialectFact("nginx", l, "connectSucceeded", at, source));
      facts.push(dialectFact("nginx", l, r.event, r.params, source));
    } else if (isNginxAccessLine(own)) {
      entries++;
      facts.push(...accessFacts(own, line, source));
    }
  }
  return { facts, entries };
}

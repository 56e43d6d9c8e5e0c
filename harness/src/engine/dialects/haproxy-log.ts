/**
 * HAProxy's log (DOMAIN.md section 10): HTTP-log lines
 * `client:port [accept date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes ... TTTT ...`
 * with or without a syslog or ISO timestamp in front, and server state messages. The first two
 * letters of the termination state (configuration manual 8.5) say who ended the session and in
 * which phase; HAProxy logs no errno, so a refused connect and an unreachable host are both `SC`
 * and the captures tell them apart.
 */
import type { EventName } from "../../appliance/index.js";
import type { LogFact } from "../log-evidence.js";
import { dialectFact, numberedLines, type DialectLine } from "./dialect-fact.js";
import type { DialectRead } from "./nginx-log.js";

// The client may start only where a run of its characters starts: otherwise every position of a
// long run is tried, each scanning to the run's end (quadratic on a line of 50,000 dots).
export const HAPROXY_HTTP_LINE =
  /(?<![\d.:a-f])(?<client>[\d.:a-f]+):(?<cport>\d+) \[(?<accept>\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?)\] (?<fe>\S+) (?<be>[^\s/]+)\/(?<srv>\S+) (?<tq>-?\d+)\/(?<tw>-?\d+)\/(?<tc>-?\d+)\/(?<tr>-?\d+)\/\+?(?<ta>-?\d+) (?<status>-?\d+) \+?(?<bytes>\d+) \S+ \S+ (?<ts>[A-Za-z-]{4})(?=\s|$)/;
export const HAPROXY_SERVER_LINE =
  /(?:Server|Backup Server) (?<be>[^\s/]+)\/(?<srv>\S+)(?: \('[^']*'\))? is (?<what>.*)$/;
const ISO_PREFIX = /^(?:<\d+>)?(?<iso>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\s/;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `01/Dec/2026:09:08:12.089` (HAProxy's accept date, the host's zone: UTC in containers). */
function acceptTime(s: string): number {
  const m = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  if (!m) return NaN;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  return Date.UTC(
    Number(m[3]),
    MONTHS.indexOf(m[2]),
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
}

interface Reading {
  event: EventName;
  params: Record<string, string>;
}

/** One session's outcome from its termination state, server and connect time. */
export function readTermination(ts: string, srv: string, tc: number, status: number): Reading[] {
  const state = ts.slice(0, 2);
  const noServer = srv === "<NOSRV>";
  const server: Record<string, string> = noServer ? {} : { server: srv };
  // Tc >= 0: the connect succeeded, whatever came after (a burst's listen queue shows both).
  const connected: Reading[] =
    tc >= 0 ? [{ event: "connectSucceeded", params: { ...server, ms: String(tc) } }] : [];
  switch (state) {
    case "sC":
      return [{ event: "connectTimedOut", params: { ...server, errno: "ETIMEDOUT" } }];
    case "SC":
      // No server could be chosen: a name that never resolved (the captures say why); else a
      // connect that failed at once (refused or unreachable).
      return noServer
        ? [{ event: "connectServerFailed", params: {} }]
        : [{ event: "backsideFailed", params: server }];
    case "sH":
      return [...connected, { event: "backendNoResponse", params: server }];
    case "SH":
    case "SD":
    case "SL":
      return [...connected, { event: "backsideFailed", params: server }];
    case "PH":
    case "IH":
    case "RC":
    case "IC":
      return [{ event: "backsideFailed", params: server }];
  }
  if (state[0] === "-" && status >= 100 && status < 400) {
    const ok: Reading[] = [{ event: "responseSent", params: { status: String(status) } }];
    if (tc >= 0) ok.unshift({ event: "connectSucceeded", params: { ...server, ms: String(tc) } });
    return ok;
  }
  return [];
}

/** A server state message: DNS status changes and health-check results. */
export function readServerState(what: string): Reading | undefined {
  const dns = /\(DNS (?<s>\w+) status\)/.exec(what)?.groups?.s;
  if (dns) {
    const reason = { NX: "NXDOMAIN", timeout: "timed out", refused: "REFUSED" }[dns] ?? `DNS ${dns} status`;
    return { event: "dnsResolveFailed", params: { reason } };
  }
  if (/Layer4 timeout/.test(what)) return { event: "connectTimedOut", params: { errno: "ETIMEDOUT" } };
  const info = /info: "(?<info>[^"]*)"/.exec(what)?.groups?.info ?? "";
  if (/Layer4 connection problem/.test(what)) {
    if (/refused/i.test(info)) return { event: "connectRefused", params: { errno: "ECONNREFUSED" } };
    if (/no route|unreachable/i.test(info))
      return { event: "hostUnreachable", params: { errno: "EHOSTUNREACH" } };
  }
  if (/Layer6/.test(what)) return { event: "tlsHandshakeFailed", params: { reason: info || what } };
  return undefined;
}

export function readHaproxyLog(text: string, source: string): DialectRead {
  const facts: LogFact[] = [];
  let entries = 0;
  for (const { line, raw } of numberedLines(text)) {
    const iso = ISO_PREFIX.exec(raw)?.groups?.iso;
    const http = HAPROXY_HTTP_LINE.exec(raw);
    if (http) {
      entries++;
      const g = http.groups!;
      const time = acceptTime(g.accept);
      if (!Number.isFinite(time)) continue;
      const l: DialectLine = {
        time,
        timeText: g.accept,
        level: "info",
        // Each line is one session: its own transaction.
        tid: line,
        message: raw.slice(http.index),
        line,
        raw,
      };
      // The session spans accept to accept + Ta: the connect at its start, the outcome at its end
      // (so sessions of one burst overlap, as the log rules expect).
      const end = { ...l, time: time + Math.max(0, Number(g.ta)) };
      const readings = readTermination(g.ts, g.srv, Number(g.tc), Number(g.status));
      if (readings.length && g.srv !== "<NOSRV>")
        facts.push(dialectFact("haproxy", l, "connectAttempt", { server: g.srv }, source));
      for (const r of readings)
        facts.push(
          dialectFact("haproxy", r.event === "connectSucceeded" ? l : end, r.event, r.params, source),
        );
      continue;
    }
    const srv = HAPROXY_SERVER_LINE.exec(raw);
    if (srv) {
      entries++;
      const time = iso ? Date.parse(iso) : NaN;
      const r = readServerState(srv.groups!.what);
      if (!r || !Number.isFinite(time)) continue;
      const l: DialectLine = {
        time,
        timeText: iso!,
        level: "warn",
        tid: 0,
        message: raw.slice(srv.index),
        line,
        raw,
      };
      facts.push(dialectFact("haproxy", l, r.event, r.params, source));
    }
  }
  return { facts, entries };
}

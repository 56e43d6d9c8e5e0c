/**
 * HAProxy's log (DOMAIN.md section 10): HTTP-log lines
 * `client:port [accept date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes ... TTTT ...`,
 * TCP-log lines `client:port [accept date] frontend backend/server Tw/Tc/Tt bytes TT ...`
 * with or without a syslog or ISO timestamp in front, and server state messages. The first two
 * letters of the termination state (configuration manual 8.5) say who ended the session and in
 * which phase; HAProxy logs no errno, so a refused connect and an unreachable host are both `SC`
 * and the captures tell them apart.
 */
import type { EventName } from "../../appliance/index.js";
import type { LogFact } from "../log-evidence.js";
import { dialectFact, numberedLines, type DialectLine } from "./dialect-fact.js";
import type { DialectRead } from "./nginx-log.js";
import { unwrapSyslog, withYear } from "./syslog-prefix.js";

// The client may start only where a run of its characters starts: otherwise every position of a
// long run is tried, each scanning to the run's end (quadratic on a line of 50,000 dots).
export const HAPROXY_HTTP_LINE =
  /(?<![\d.:a-f])(?<client>[\d.:a-f]+):(?<cport>\d+) \[(?<accept>\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?)\] (?<fe>\S+) (?<be>[^\s/]+)\/(?<srv>\S+) (?<tq>-?\d+)\/(?<tw>-?\d+)\/(?<tc>-?\d+)\/(?<tr>-?\d+)\/\+?(?<ta>-?\d+) (?<status>-?\d+) \+?(?<bytes>\d+) \S+ \S+ (?<ts>[A-Za-z-]{4})(?=\s|$)/;
/** `option tcplog` (mode tcp): `Tw/Tc/Tt bytes_read ts` with a two-letter state. */
export const HAPROXY_TCP_LINE =
  /(?<![\d.:a-f])(?<client>[\d.:a-f]+):(?<cport>\d+) \[(?<accept>\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?)\] (?<fe>\S+) (?<be>[^\s/]+)\/(?<srv>\S+) (?<tw>-?\d+)\/(?<tc>-?\d+)\/\+?(?<ta>-?\d+) \+?(?<bytes>\d+) (?<ts>[A-Za-z-]{2})(?=\s|$)/;
/** `option httplog clf`: the CLF head, then the same fields space-separated (accept ms apart). */
export const HAPROXY_CLF_LINE =
  /^[\da-fA-F.:]+ \S+ \S+ \[(?<tl>\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d) [+-]\d{4}\] "[^"]*" (?<status>-?\d+) \d+ "[^"]*" "[^"]*" (?<cport>\d+) (?<ms>\d+) "(?<fe>[^"]*)" "(?<be>[^"]*)" "(?<srv>[^"]*)" (?<tq>-?\d+) (?<tw>-?\d+) (?<tc>-?\d+) (?<tr>-?\d+) (?<ta>-?\d+) (?<ts>[A-Za-z-]{4})(?=\s|$)/;
export const HAPROXY_SERVER_LINE =
  /(?:(?:Server|Backup Server) (?<be>[^\s/]+)\/(?<srv>\S+)(?: \('[^']*'\))? is |Health check for (?:backup )?server (?<hbe>[^\s/]+)\/(?<hsrv>\S+) )(?<what>.*)$/;

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
      // No server could be chosen: every server down (its health check says why) or without an
      // address (a name that never resolved: the captures say why); else a connect that failed at
      // once, refused most often (unreachable and a failed TLS handshake read the same).
      return noServer
        ? [{ event: "connectServerFailed", params: {} }]
        : [{ event: "backsideFailed", params: { ...server, hint: "tcp.refused" } }];
    case "sH":
      return [...connected, { event: "backendNoResponse", params: server }];
    case "SH":
      // Closed or reset before the response headers: HAProxy logs no difference.
      return [...connected, { event: "backsideFailed", params: { ...server, hint: "backend.closed" } }];
    case "SD":
    case "SL":
      return [...connected, { event: "backsideFailed", params: { ...server, hint: "backend.reset" } }];
    case "PH":
      // The server answered and HAProxy refused the answer (invalid, too big, filtered): the
      // connection worked.
      if (tc >= 0)
        return [
          ...connected,
          {
            event: "backendAnswerRejected",
            params: { ...server, reason: "HAProxy refused the server's response (PH)" },
          },
        ];
      return [{ event: "backsideFailed", params: server }];
    case "IH":
    case "RC":
    case "IC":
      return [{ event: "backsideFailed", params: server }];
  }
  // The client ended the session (C abort, c timeout): a status of the server's means it answered.
  const clientEnded = state[0] === "C" || state[0] === "c";
  if ((state[0] === "-" || (clientEnded && !noServer)) && status >= 100 && status < 400) {
    const ok: Reading[] = [{ event: "responseSent", params: { status: String(status) } }];
    if (tc >= 0) ok.unshift({ event: "connectSucceeded", params: { ...server, ms: String(tc) } });
    return ok;
  }
  return clientEnded ? connected : [];
}

/**
 * A TCP session's outcome: no HTTP status, the bytes the server sent say whether it answered. A
 * normal end with nothing from the server is a close without a response; a server timeout in
 * the data phase with nothing sent, a backend that never answered.
 */
export function readTcpTermination(ts: string, srv: string, tc: number, bytes: number): Reading[] {
  const server: Record<string, string> = srv === "<NOSRV>" ? {} : { server: srv };
  const connected: Reading[] =
    tc >= 0 ? [{ event: "connectSucceeded", params: { ...server, ms: String(tc) } }] : [];
  if (tc >= 0 && bytes > 0 && (ts[0] === "-" || ts === "sD" || ts[0] === "C" || ts[0] === "c"))
    return [...connected, { event: "bytesReceived", params: { ...server, bytes: String(bytes) } }];
  if (ts === "--" && tc >= 0)
    return [...connected, { event: "backsideFailed", params: { ...server, hint: "backend.closed" } }];
  if (ts === "sD") return [...connected, { event: "backendNoResponse", params: server }];
  if (ts[0] === "-" || ts[0] === "C" || ts[0] === "c") return connected;
  return readTermination(`${ts}--`, srv, tc, -1);
}

/** A server state message: DNS status changes and health-check results. */
export function readServerState(what: string): Reading | undefined {
  // A server whose check got an answer (Layer7) was reachable: not a backside failure.
  if (/Layer7|is UP|is going UP|succeeded/.test(what)) return undefined;
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

/** The first HTTP line's year: RFC 3164 headers have none (the current year if no line has one). */
function firstYear(text: string): number {
  const m = /\[\d\d\/\w{3}\/(\d{4}):/.exec(text.slice(0, 64 * 1024));
  return m ? Number(m[1]) : new Date().getUTCFullYear();
}

/** One session line's facts (HTTP, CLF or TCP form): the connect at its start, the outcome at its end. */
function sessionFacts(
  m: RegExpExecArray,
  clf: boolean,
  l: Omit<DialectLine, "time" | "timeText" | "message">,
  text: string,
  down: Set<string>,
  source: string,
): { time: number; facts: LogFact[] } | undefined {
  const g = m.groups!;
  const time = clf ? acceptTime(`${g.tl}.${g.ms.padStart(3, "0")}`) : acceptTime(g.accept);
  if (!Number.isFinite(time)) return undefined;
  const start: DialectLine = {
    ...l,
    time,
    timeText: g.accept ?? g.tl,
    message: clf ? text : text.slice(m.index),
  };
  // The session spans accept to accept + Ta, so sessions of one burst overlap as the rules expect.
  const end = { ...start, time: time + Math.max(0, Number(g.ta)) };
  const readings =
    g.status === undefined
      ? readTcpTermination(g.ts, g.srv, Number(g.tc), Number(g.bytes))
      : readTermination(g.ts, g.srv, Number(g.tc), Number(g.status));
  // `<NOSRV>` in a backend no check took down: no server had an address.
  for (const r of readings)
    if (r.event === "connectServerFailed" && !down.has(g.be)) r.params.hint = "dns.nxdomain";
  const facts: LogFact[] = [];
  if (readings.length && g.srv !== "<NOSRV>")
    facts.push(dialectFact("haproxy", start, "connectAttempt", { server: g.srv }, source));
  for (const r of readings)
    facts.push(
      dialectFact("haproxy", r.event === "connectSucceeded" ? start : end, r.event, r.params, source),
    );
  return { time, facts };
}

export function readHaproxyLog(text: string, source: string): DialectRead {
  const facts: LogFact[] = [];
  let entries = 0;
  let year = firstYear(text);
  // A line without a time of its own (`format raw`, stderr) takes the last time seen.
  let lastTime = NaN;
  const pending: { l: DialectLine; r: Reading }[] = [];
  // Backends whose servers a health check or DNS took down: their `<NOSRV>` is explained.
  const down = new Set<string>();
  for (const { line, raw } of numberedLines(text)) {
    const head = unwrapSyslog(raw);
    const clf = HAPROXY_CLF_LINE.exec(head.text);
    const session = HAPROXY_HTTP_LINE.exec(raw) ?? HAPROXY_TCP_LINE.exec(raw) ?? clf;
    if (session) {
      entries++;
      // Each line is one session: its own transaction.
      const base = { level: "info" as const, tid: line, line, raw };
      const r = sessionFacts(session, Boolean(clf), base, clf ? head.text : raw, down, source);
      if (!r) continue;
      year = new Date(r.time).getUTCFullYear();
      lastTime = r.time;
      facts.push(...r.facts);
      continue;
    }
    const srv = HAPROXY_SERVER_LINE.exec(head.text);
    if (!srv) continue;
    entries++;
    const g = srv.groups!;
    const r = readServerState(g.what);
    if (!r) continue;
    down.add(g.be ?? g.hbe);
    const own = withYear(head, year);
    if (Number.isFinite(own)) lastTime = own;
    const l: DialectLine = {
      time: Number.isFinite(own) ? own : lastTime,
      timeText: Number.isFinite(own) ? head.timeText : "",
      level: "warn",
      tid: 0,
      message: head.text.slice(srv.index),
      line,
      raw,
    };
    r.params = { server: g.srv ?? g.hsrv, ...r.params };
    if (Number.isFinite(l.time)) facts.push(dialectFact("haproxy", l, r.event, r.params, source));
    else pending.push({ l, r });
  }
  // Untimed lines before any timed one: dated by the first time the log gives; a log with no
  // time at all (stderr) still says what failed, its lines at time 0 and shown undated.
  const found = facts.reduce((m, f) => Math.min(m, f.entry.time), Infinity);
  const first = Number.isFinite(found) ? found : 0;
  for (const { l, r } of pending)
    facts.push(dialectFact("haproxy", { ...l, time: first }, r.event, r.params, source));
  return { facts, entries };
}

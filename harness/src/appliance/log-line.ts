/**
 * The appliance's text log line (DOMAIN.md §2):
 *   <timestamp> [<domain>]?[0x<code>]?[<category>][<level>] <objtype>(<objname>): tid(<n>)[<txn>]?[<ip>]? gtid(<n>)?: <message>
 * Two timestamp styles: zulu `20170322T223149.165Z` (the default, also microseconds) and the
 * older `Wed Mar 22 2017 22:31:49` (no zone; read as UTC). Brackets may be `[..]` or `<..>`.
 * The parser never throws: lines that are not entries go to `unknown`, binary and enormous
 * lines also add a problem.
 */
import { LOG_LEVELS, type LogEntry, type LogLevel, type ParsedLog } from "./types.js";

/** Longer lines are not log entries; kept truncated so one bad file cannot eat memory. */
export const MAX_LINE = 64 * 1024;
const KEPT_TEXT = 512;
const MAX_UNKNOWN = 10_000;

export interface LogLineInput {
  time: number;
  domain?: string;
  code?: string;
  category: string;
  level: LogLevel;
  objectType: string;
  objectName: string;
  tid?: number;
  txnType?: string;
  clientIp?: string;
  gtid?: number;
  message: string;
}

export interface FormatOptions {
  /** `zulu` (default) or the older `legacy` timestamp. */
  style?: "zulu" | "legacy";
  /** Digits after the seconds in zulu style: 3 (default), 6 or 0. */
  precision?: 0 | 3 | 6;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");

export function formatTimestamp(time: number, opts: FormatOptions = {}): string {
  const d = new Date(time);
  if (opts.style === "legacy") {
    return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  }
  const base = `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}T${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}`;
  const precision = opts.precision ?? 3;
  const ms = String(d.getUTCMilliseconds()).padStart(3, "0");
  const frac = precision === 0 ? "" : precision === 3 ? `.${ms}` : `.${ms}000`;
  return `${base}${frac}Z`;
}

/** One line, no newline. Newlines inside the message are flattened so a line stays a line. */
export function formatLogLine(e: LogLineInput, opts: FormatOptions = {}): string {
  const head = [e.domain, e.code, e.category, e.level]
    .filter((x): x is string => x !== undefined && x !== "")
    .map((x) => `[${x}]`)
    .join("");
  let tid = `tid(${e.tid ?? 0})`;
  if (e.txnType) tid += `[${e.txnType}]`;
  if (e.clientIp) tid += `[${e.clientIp}]`;
  if (e.gtid !== undefined) tid += ` gtid(${e.gtid})`;
  const msg = e.message.replace(/[\r\n]+/g, " ");
  return `${formatTimestamp(e.time, opts)} ${head} ${e.objectType}(${e.objectName}): ${tid}: ${msg}`;
}

const ZULU = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;
const LEGACY =
  /^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})/;

/** Milliseconds since the epoch, or undefined when the text is not one of the two styles. */
export function parseTimestamp(text: string): number | undefined {
  let m = ZULU.exec(text);
  if (m) {
    const ms = m[7] ? Number(m[7].padEnd(3, "0").slice(0, 3)) : 0;
    let t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
    if (m[8] !== "Z") {
      const sign = m[8][0] === "-" ? -1 : 1;
      const z = m[8].slice(1).replace(":", "");
      t -= sign * (Number(z.slice(0, 2)) * 60 + Number(z.slice(2))) * 60_000;
    }
    return Number.isFinite(t) ? t : undefined;
  }
  m = LEGACY.exec(text);
  if (m) {
    const t = Date.UTC(+m[3], MONTHS.indexOf(m[1]), +m[2], +m[4], +m[5], +m[6]);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

// Timestamp, then the bracket run (each [..] or <..>), then `objtype(objname): rest`.
const LINE = new RegExp(
  "^(?<ts>\\d{8}T\\d{6}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})|(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} +\\d{1,2} \\d{4} \\d{2}:\\d{2}:\\d{2})" +
    " +(?<br>(?:[\\[<][^\\]>\\s]*[\\]>])+)" +
    " +(?<ot>[^\\s()]+)\\((?<on>[^)]*)\\):\\s?(?<rest>.*)$",
);
const BRACKET = /[[<]([^\]>\s]*)[\]>]/g;
const TID =
  /^tid\((?<tid>\d+)\)(?<br>(?:[[<][^\]>\s]*[\]>]){0,2})(?:\s+gtid\((?<gtid>\d+)\))?:\s?(?<msg>.*)$/;
const CODE = /^0x[0-9a-f]{8}$/i;
// A client address: IPv4/IPv6, possibly masked (`9.xx.xx.xx`), as seen in public copies.
const ADDRESS = /^(?:[0-9x]{1,3}(?:\.[0-9x]{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*)$/i;
const LEVELS = new Set<string>(LOG_LEVELS);

function looksBinary(s: string): boolean {
  // NUL, other C0 controls (but tab) or the replacement character from bad UTF-8.
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(s);
}

/** Parse one line; undefined when it is not a log entry (no throw). */
export function parseLogLine(raw: string, lineNo = 1): LogEntry | undefined {
  if (raw.length > MAX_LINE) return undefined;
  const m = LINE.exec(raw);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const time = parseTimestamp(g.ts);
  if (time === undefined) return undefined;
  const parts = [...g.br.matchAll(BRACKET)].map((x) => x[1]);
  if (parts.length < 2) return undefined;
  const level = parts[parts.length - 1].toLowerCase();
  if (!LEVELS.has(level)) return undefined;
  const category = parts[parts.length - 2];
  let domain: string | undefined;
  let code: string | undefined;
  for (const p of parts.slice(0, -2)) {
    if (CODE.test(p)) code = p.toLowerCase();
    else if (domain === undefined && code === undefined) domain = p;
  }
  const entry: LogEntry = {
    time,
    timeText: g.ts,
    category,
    level: level as LogLevel,
    objectType: g.ot,
    objectName: g.on,
    tid: 0,
    message: g.rest,
    line: lineNo,
    raw,
  };
  if (domain !== undefined) entry.domain = domain;
  if (code !== undefined) entry.code = code;
  const t = TID.exec(g.rest);
  if (t?.groups) {
    entry.tid = Number(t.groups.tid);
    entry.message = t.groups.msg;
    for (const [, b] of t.groups.br.matchAll(BRACKET)) {
      if (ADDRESS.test(b) && entry.clientIp === undefined) entry.clientIp = b;
      else if (entry.txnType === undefined && entry.clientIp === undefined) entry.txnType = b;
    }
    if (t.groups.gtid !== undefined) entry.gtid = Number(t.groups.gtid);
  }
  return entry;
}

/** Parse a whole log text. Never throws; every line ends up in `entries` or `unknown`. */
export function parseLog(text: string): ParsedLog {
  const out: ParsedLog = { entries: [], unknown: [], problems: [] };
  // A byte-order mark is not part of the first line.
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  let dropping = false;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.trim() === "") return;
    if (raw.length > MAX_LINE) {
      out.problems.push({
        where: `line ${lineNo}`,
        message: `line of ${raw.length} characters exceeds ${MAX_LINE}; not parsed`,
      });
    } else if (looksBinary(raw)) {
      out.problems.push({ where: `line ${lineNo}`, message: "binary content; not a log line" });
    } else {
      const e = parseLogLine(raw, lineNo);
      if (e) {
        out.entries.push(e);
        return;
      }
    }
    if (out.unknown.length < MAX_UNKNOWN) out.unknown.push({ line: lineNo, text: raw.slice(0, KEPT_TEXT) });
    else if (!dropping) {
      dropping = true;
      out.problems.push({
        where: `line ${lineNo}`,
        message: `more than ${MAX_UNKNOWN} unknown lines; the rest are not kept`,
      });
    }
  });
  return out;
}

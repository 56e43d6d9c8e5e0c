/**
 * The appliance's text log line (DOMAIN.md §2):
 *   <timestamp> [<domain>]?[0x<code>]?[<category>][<level>] <objtype>(<objname>): tid(<n>)[<txn>]?[<ip>]? gtid(<n>)?: <message>
 * Two timestamp styles: zulu `20170322T223149.165Z` (the default, also microseconds) and the
 * older `Wed Mar 22 2017 22:31:49` (no zone; read as UTC). Brackets may be `[..]` or `<..>`.
 * The parser never throws: a line that is not an entry gives undefined (log-reader.ts reads
 * whole logs).
 */
import { LOG_LEVELS, type LogEntry, type LogLevel, type ParsedLog } from "./types.js";

/** Longer lines are not log entries; kept truncated so one bad file cannot eat memory. */
export const MAX_LINE = 64 * 1024;

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
  const msg = e.message.replace(NEWLINES, " ");
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
const TID =
  /^tid\((?<tid>\d+)\)(?<br>(?:[[<][^\]>\s]*[\]>]){0,2})(?:\s+gtid\((?<gtid>\d+)\))?:\s?(?<msg>.*)$/;
const CODE = /^0x[0-9a-f]{8}$/i;
const IPV4ISH = /^[0-9x]{1,3}(?:\.[0-9x]{1,3}){3}$/i;
const IPV6ISH = /^[0-9a-f:.]+$/i;

/**
 * A client address: IPv4/IPv6, possibly masked (`9.xx.xx.xx`), as seen in public copies. Two
 * anchored patterns without an inner wildcard pair: `[0-9a-f:.]*:[0-9a-f:.]*` is quadratic on a
 * long run of colons that does not match.
 */
export function looksLikeAddress(s: string): boolean {
  return IPV4ISH.test(s) || (s.includes(":") && IPV6ISH.test(s));
}
const LEVELS = new Set<string>(LOG_LEVELS);

const NEWLINES = /[\r\n]+/g;
// NUL, other C0 controls (but tab) or the replacement character from bad UTF-8.
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const LOG_LINE_PATTERNS: Record<string, RegExp> = {
  ZULU,
  LEGACY,
  LINE,
  TID,
  CODE,
  IPV4ISH,
  IPV6ISH,
  NEWLINES,
  BINARY,
};

const isSpace = (c: string) =>
  c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";

/**
 * The contents of each `[..]` or `<..>` (no whitespace inside) in order, by scanning. The global
 * regex `[[<]([^\]>\s]*)[\]>]` rescans to the end from every opener of an unclosed run (quadratic).
 */
export function bracketContents(run: string): string[] {
  const out: string[] = [];
  let i = 0;
  // Bounded: `i` only moves forward.
  while (i < run.length) {
    const c = run[i];
    if (c !== "[" && c !== "<") {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < run.length && run[j] !== "]" && run[j] !== ">" && !isSpace(run[j])) j++;
    if (j < run.length && !isSpace(run[j])) {
      out.push(run.slice(i + 1, j));
      j++;
    }
    // Any opener between i and j would stop at the same character: none of them can match either.
    i = j;
  }
  return out;
}

export function looksBinary(s: string): boolean {
  return BINARY.test(s);
}

/** Parse one line; undefined when it is not a log entry (no throw). */
export function parseLogLine(raw: string, lineNo = 1): LogEntry | undefined {
  if (raw.length > MAX_LINE) return undefined;
  const m = LINE.exec(raw);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const time = parseTimestamp(g.ts);
  if (time === undefined) return undefined;
  const parts = bracketContents(g.br);
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
    for (const b of bracketContents(t.groups.br)) {
      if (looksLikeAddress(b) && entry.clientIp === undefined) entry.clientIp = b;
      else if (entry.txnType === undefined && entry.clientIp === undefined) entry.txnType = b;
    }
    if (t.groups.gtid !== undefined) entry.gtid = Number(t.groups.gtid);
  }
  return entry;
}

/**
 * What a log transport puts in front of a gateway's own line: a syslog header (RFC 3164 as nginx's
 * `syslog:` target and HAProxy's default `log` send it, RFC 5424, HAProxy's `short` `<PRI>`, a
 * syslog daemon's file with or without an ISO time) or HAProxy's stderr (`[WARNING]  (pid) : `).
 * The line after it is read as if it had been written to a file; the header's time, when it has
 * one, dates a line that has none of its own (HAProxy's server state messages).
 */

export interface Unwrapped {
  /** The gateway's own line. */
  text: string;
  /** Milliseconds since the epoch from the header; NaN when it gave none. */
  time: number;
  timeText: string;
  /** An RFC 3164 time, which has no year: the caller supplies it (`withYear`). */
  yearless: boolean;
}

const PRI = /^<\d{1,3}>/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)/;
const BSD_TIME = /^(?<mon>[A-Z][a-z]{2}) {1,2}(?<day>\d{1,2}) (?<hms>\d\d:\d\d:\d\d)/;
/** RFC 5424 after the version: host, app, procid, msgid, then `-` or structured data. */
const RFC5424_FIELDS = /^ \S+ \S+ \S+ \S+ (?:-|(?:\[[^\]]*\])+)(?: |$)/;
/** An RFC 3164 (or syslog daemon) tag after the time: optional host, then `name[pid]: `. */
const TAG = /^ (?:[^\s:[\]]+ )?[^\s:[\]]+(?:\[\d+\])?: /;
const STDERR = /^\[(?:NOTICE|WARNING|ALERT|EMERG|INFO|DEBUG)\] +\(\d+\) : /;

export const SYSLOG_PREFIX_PATTERNS: Record<string, RegExp> = {
  PRI,
  ISO_TIME,
  BSD_TIME,
  RFC5424_FIELDS,
  TAG,
  STDERR,
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const none = (text: string): Unwrapped => ({ text, time: NaN, timeText: "", yearless: false });

export function unwrapSyslog(raw: string): Unwrapped {
  const stderr = STDERR.exec(raw);
  if (stderr) return none(raw.slice(stderr[0].length));
  let rest = raw;
  const pri = PRI.exec(rest);
  if (pri) rest = rest.slice(pri[0].length);
  if (pri && rest.startsWith("1 ")) {
    const iso = ISO_TIME.exec(rest.slice(2));
    const fields = iso && RFC5424_FIELDS.exec(rest.slice(2 + iso[0].length));
    if (iso && fields)
      return {
        text: rest.slice(2 + iso[0].length + fields[0].length),
        time: Date.parse(iso[0]),
        timeText: iso[0],
        yearless: false,
      };
  }
  const iso = ISO_TIME.exec(rest);
  if (iso) {
    const after = rest.slice(iso[0].length);
    const tag = TAG.exec(after);
    return {
      text: tag ? after.slice(tag[0].length) : after.replace(/^ /, ""),
      time: Date.parse(iso[0]),
      timeText: iso[0],
      yearless: false,
    };
  }
  const bsd = BSD_TIME.exec(rest);
  if (bsd) {
    const after = rest.slice(bsd[0].length);
    const tag = TAG.exec(after);
    const g = bsd.groups!;
    // Year 2000 as a placeholder (a leap year, so 29 Feb parses); withYear puts the real one.
    const [h, m, s] = g.hms.split(":").map(Number);
    return {
      text: tag ? after.slice(tag[0].length) : after.replace(/^ /, ""),
      time: Date.UTC(2000, MONTHS.indexOf(g.mon), Number(g.day), h, m, s),
      timeText: bsd[0],
      yearless: true,
    };
  }
  return pri ? none(rest) : none(raw);
}

/** An RFC 3164 time in the given year (taken from a dated line near it, else the current one). */
export function withYear(u: Unwrapped, year: number): number {
  if (!u.yearless || !Number.isFinite(u.time)) return u.time;
  const d = new Date(u.time);
  return Date.UTC(
    year,
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  );
}

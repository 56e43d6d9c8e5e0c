/**
 * A line of another gateway's log, read as the appliance event that says the same thing: the
 * same LogFact the appliance's lines give, so the log rules and their fusion with the captures
 * are the same for every gateway.
 */
import type { EventName, LogEntry, LogLevel } from "../../appliance/index.js";
import type { LogFact } from "../log-evidence.js";

export interface DialectLine {
  /** Milliseconds since the epoch. */
  time: number;
  timeText: string;
  level: LogLevel;
  /** The gateway's own transaction key (nginx's `*N` connection, HAProxy's one line); 0 = none. */
  tid: number;
  message: string;
  line: number;
  raw: string;
}

export function dialectFact(
  dialect: string,
  l: DialectLine,
  event: EventName,
  params: Record<string, string>,
  source: string,
): LogFact {
  const entry: LogEntry = {
    time: l.time,
    timeText: l.timeText,
    category: dialect,
    level: l.level,
    objectType: dialect,
    objectName: "gateway",
    tid: l.tid,
    message: l.message,
    line: l.line,
    raw: l.raw,
  };
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") clean[k] = v;
  return {
    event,
    params: clean,
    entry,
    time: l.time / 1000,
    source,
    ev: {
      source,
      kind: "log",
      lines: [l.line],
      // Time 0: a line of a log that gives no time at all.
      times: [l.time > 0 ? new Date(l.time).toISOString() : null],
      statement: l.message.slice(0, 300),
    },
  };
}

/** Splits text into lines with 1-based numbers, bounded like the appliance's parser. */
export function* numberedLines(text: string, maxLine = 64 * 1024): Generator<{ line: number; raw: string }> {
  let n = 0;
  for (const raw of text.split(/\r?\n/)) {
    n++;
    if (raw.length === 0 || raw.length > maxLine) continue;
    yield { line: n, raw };
  }
}

/**
 * Log evidence: each appliance log entry that matters becomes a LogFact naming its catalog event
 * and the parameters read back out of the event's text template. Lines match by event code first
 * (the stand-in's own codes, IBM's public ones), then by text alone, so real appliance logs whose
 * public wording carries no code (`Backside header ('N/A') failed to parse`, `DNS Callback cannot
 * resolve host`) still count.
 */
import {
  EVENTS,
  eventByCode,
  parseLog,
  type EventName,
  type LogEntry,
  type ParsedLog,
} from "../appliance/index.js";
import { backendAnswered } from "./log-answered.js";
import type { Evidence } from "./types.js";

export interface LogFact {
  event: EventName;
  params: Record<string, string>;
  entry: LogEntry;
  /** Seconds since the epoch (log times are milliseconds). */
  time: number;
  ev: Evidence;
}

/** Events with no bearing on a diagnosis are skipped (management actions). */
const IGNORED = new Set<EventName>([
  "logLevelChanged",
  "errorReportSaved",
  "captureStarted",
  "captureStopped",
  "configChanged",
  "dnsCacheFlushed",
  "connectionTest",
  "operStateUp",
]);

function templateRegex(text: string): RegExp {
  const parts = text.split(/(\{\w+\})/);
  const body = parts
    .map((p) => {
      const m = /^\{(\w+)\}$/.exec(p);
      return m ? `(?<${m[1]}>.*?)` : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${body}$`);
}

const TEMPLATES: { name: EventName; re: RegExp }[] = (Object.keys(EVENTS) as EventName[])
  .filter((n) => !IGNORED.has(n))
  .map((name) => ({ name, re: templateRegex(EVENTS[name].text) }));

/**
 * Public messages seen with extra context around the catalog wording (a url suffix, a prefix); a
 * contains-match on these keeps real logs readable. Order matters: the most specific first.
 */
const CONTAINS: { name: EventName; text: RegExp }[] = [
  { name: "backsideHeaderFailed", text: /Backside header \('N\/A'\) failed to parse/i },
  { name: "dnsCallbackFailed", text: /DNS Callback cannot resolve host '(?<host>[^']*)'/i },
  {
    name: "backsideInvalid",
    text: /Valid backside connection could not be established(?:.*url: (?<url>\S+))?/i,
  },
  {
    name: "connectServerFailed",
    text: /Failed to establish a connection to the server(?:, URL: (?<url>\S+))?/i,
  },
  { name: "backNetworkError", text: /Network Error on Back interface/i },
  { name: "sslLibraryError", text: /SSL library error:?\s*(?<detail>.*)$/i },
  { name: "backsideFailed", text: /Failed to establish a backside connection/i },
  { name: "backendFailedXmlfw", text: /Failed to establish backend connection/i },
];

function paramsOf(m: RegExpExecArray): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** Which catalog event a log entry is, with its parameters; undefined for lines that do not matter. */
export function matchEvent(e: LogEntry): { event: EventName; params: Record<string, string> } | undefined {
  const byCode = e.code ? eventByCode(e.code) : undefined;
  if (byCode) {
    if (IGNORED.has(byCode.name)) return undefined;
    const m = templateRegex(byCode.def.text).exec(e.message);
    if (m) return { event: byCode.name, params: paramsOf(m) };
  }
  for (const t of TEMPLATES) {
    const m = t.re.exec(e.message);
    if (m) return { event: t.name, params: paramsOf(m) };
  }
  // The backend answered: the generic wording that may trail such a line is not a connect failure.
  const answered = backendAnswered(e.message);
  if (answered) return { event: "backendAnswerRejected", params: { reason: answered } };
  for (const c of CONTAINS) {
    const m = c.text.exec(e.message);
    if (m) return { event: c.name, params: paramsOf(m) };
  }
  // A known code whose text differs from the template still tells what happened.
  if (byCode) return { event: byCode.name, params: {} };
  return undefined;
}

export interface LogEvidence {
  facts: LogFact[];
  entries: number;
  problems: string[];
  /**
   * Error lines whose code the catalog does not know and whose text matched nothing: kept as
   * text for a person to read, never turned into a cause by guessing (at most UNKNOWN_KEPT).
   */
  unknown: Evidence[];
}

const UNKNOWN_KEPT = 5;
const SEVERE = new Set(["emerg", "alert", "critic", "error"]);

/** Log facts from one parsed log; `source` names the file in the evidence. */
export function logEvidence(log: ParsedLog, source: string): LogEvidence {
  const facts: LogFact[] = [];
  const unknown: Evidence[] = [];
  for (const entry of log.entries) {
    const m = matchEvent(entry);
    if (!m) {
      if (entry.code && !eventByCode(entry.code) && SEVERE.has(entry.level) && unknown.length < UNKNOWN_KEPT)
        unknown.push({
          source,
          kind: "log",
          lines: [entry.line],
          times: [new Date(entry.time).toISOString()],
          statement: `${entry.code}: ${entry.message.slice(0, 300)}`,
        });
      continue;
    }
    facts.push({
      ...m,
      entry,
      time: entry.time / 1000,
      ev: {
        source,
        kind: "log",
        lines: [entry.line],
        times: [new Date(entry.time).toISOString()],
        statement: entry.message.slice(0, 300),
      },
    });
  }
  const problems = log.problems.slice(0, 20).map((p) => `${source} ${p.where}: ${p.message}`);
  if (log.problems.length > 20) problems.push(`${source}: ${log.problems.length - 20} more problems`);
  return { facts, entries: log.entries.length, problems, unknown };
}

export function logEvidenceFromText(text: string, source: string): LogEvidence {
  return logEvidence(parseLog(text), source);
}

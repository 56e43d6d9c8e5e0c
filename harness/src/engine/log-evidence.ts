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
  /** The log it came from (as `ev.source`, without building the evidence). */
  source: string;
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

/**
 * A catalog template (`DNS answer id {id} {qtype} {name} from {server}...`) as its literal pieces
 * and parameter names, matched by plain string scanning: each parameter ends at the first
 * occurrence of the literal after it, and the last literal must end the message. That is what
 * `^lit(.*?)lit(.*?)...lit$` matches, in linear time (the regex backtracks exponentially on a
 * message repeating a literal, e.g. "from" three hundred times).
 */
interface Template {
  literals: string[];
  names: string[];
}

const TEMPLATE_PARAM = /\{(\w+)\}/g;

function compileTemplate(text: string): Template {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of text.matchAll(TEMPLATE_PARAM)) {
    literals.push(text.slice(last, m.index));
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  literals.push(text.slice(last));
  return { literals, names };
}

export function matchTemplate(t: Template, s: string): Record<string, string> | undefined {
  const { literals, names } = t;
  if (!s.startsWith(literals[0])) return undefined;
  let pos = literals[0].length;
  const params: Record<string, string> = {};
  const lastLit = literals[literals.length - 1];
  if (names.length === 0) return s.length === pos ? params : undefined;
  for (let i = 0; i < names.length - 1; i++) {
    const next = literals[i + 1];
    const at = s.indexOf(next, pos);
    if (at < 0) return undefined;
    params[names[i]] = s.slice(pos, at);
    pos = at + next.length;
  }
  if (s.length - lastLit.length < pos || !s.endsWith(lastLit)) return undefined;
  params[names[names.length - 1]] = s.slice(pos, s.length - lastLit.length);
  return params;
}

const TEMPLATES: { name: EventName; t: Template }[] = (Object.keys(EVENTS) as EventName[])
  .filter((n) => !IGNORED.has(n))
  .map((name) => ({ name, t: compileTemplate(EVENTS[name].text) }));
const BY_NAME = new Map(TEMPLATES.map((x) => [x.name, x.t]));

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

/** Every pattern run on log messages here, for the linear-time check (patterns-linear.test.ts). */
export const LOG_EVIDENCE_PATTERNS: Record<string, RegExp> = Object.fromEntries(
  CONTAINS.map((c) => [c.name, c.text]),
);

/** The catalog templates, for the linear-time check. */
export const CATALOG_TEMPLATES: { name: EventName; t: Template }[] = TEMPLATES;

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
    const params = matchTemplate(BY_NAME.get(byCode.name)!, e.message);
    if (params) return { event: byCode.name, params };
  }
  for (const t of TEMPLATES) {
    const params = matchTemplate(t.t, e.message);
    if (params) return { event: t.name, params };
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

/** Facts kept per log: beyond this the log is read to the end but its later events are only counted. */
export const MAX_LOG_FACTS = 50_000;

function isoOfMs(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * A fact whose evidence is built each time a rule asks for it, and not kept: a long log has
 * hundreds of thousands of facts and the diagnosis cites a handful (memory, not CPU, is the limit).
 */
class EntryFact implements LogFact {
  constructor(
    readonly event: EventName,
    readonly params: Record<string, string>,
    readonly entry: LogEntry,
    readonly source: string,
  ) {}
  get time(): number {
    return this.entry.time / 1000;
  }
  get ev(): Evidence {
    const e = this.entry;
    return {
      source: this.source,
      kind: "log",
      lines: [e.line],
      times: [isoOfMs(e.time)],
      // A line holding only an event code has no message: the line itself is the statement.
      statement: e.message.trim().slice(0, 300) || e.raw.trim().slice(0, 300),
    };
  }
}

const UNKNOWN_KEPT = 5;
const SEVERE = new Set(["emerg", "alert", "critic", "error"]);

/** Log facts, one entry at a time (a streamed log never has to be held whole). */
export class LogEvidenceCollector {
  readonly facts: LogFact[] = [];
  readonly unknown: Evidence[] = [];
  entries = 0;
  #dropped = 0;

  constructor(readonly source: string) {}

  /** False once the cap is reached: the caller may stop reading (the rest would only be counted). */
  add(entry: LogEntry): boolean {
    this.entries++;
    const m = matchEvent(entry);
    if (!m) {
      this.keepUnknown(entry);
      return true;
    }
    if (this.facts.length >= MAX_LOG_FACTS) {
      this.#dropped++;
      return false;
    }
    this.facts.push(new EntryFact(m.event, m.params, entry, this.source));
    return true;
  }

  /** An error line with a code the catalog does not know: text for a person, never a cause. */
  private keepUnknown(e: LogEntry): void {
    if (!e.code || eventByCode(e.code) || !SEVERE.has(e.level) || this.unknown.length >= UNKNOWN_KEPT) return;
    this.unknown.push({
      source: this.source,
      kind: "log",
      lines: [e.line],
      times: [isoOfMs(e.time)],
      statement: `${e.code}: ${e.message.slice(0, 300)}`,
    });
  }

  result(log: Pick<ParsedLog, "problems" | "truncated">): LogEvidence {
    const source = this.source;
    const problems = log.problems.slice(0, 20).map((p) => `${source} ${p.where}: ${p.message}`);
    if (log.problems.length > 20) problems.push(`${source}: ${log.problems.length - 20} more problems`);
    if (this.#dropped > 0)
      problems.push(
        `${source}: more than ${MAX_LOG_FACTS} catalogue events; the log after them was not read (truncated)`,
      );
    return { facts: this.facts, entries: this.entries, problems, unknown: this.unknown };
  }
}

/** Log facts from one parsed log; `source` names the file in the evidence. */
export function logEvidence(log: ParsedLog, source: string): LogEvidence {
  const c = new LogEvidenceCollector(source);
  for (const entry of log.entries) c.add(entry);
  if (log.truncated) c.entries = Math.max(c.entries, log.entriesSeen ?? 0);
  return c.result(log);
}

export function logEvidenceFromText(text: string, source: string): LogEvidence {
  return logEvidence(parseLog(text), source);
}

/**
 * Reading a whole appliance log, chunk by chunk, in bounded memory: lines are parsed one at a time
 * (log-line.ts), each entry goes to `onEntry`, and at most `keep` entries, MAX_UNKNOWN other lines
 * and MAX_PROBLEMS problems are kept. Whatever is not kept is counted, and `truncated` says so.
 */
import { LineSplitter } from "./line-splitter.js";
import { MAX_LINE, looksBinary, parseLogLine } from "./log-line.js";
import type { LogEntry, ParsedLog, Problem } from "./types.js";

/** Entries a ParsedLog keeps by default (about 100 MB of entries); the rest are counted. */
export const MAX_ENTRIES = 250_000;
const MAX_UNKNOWN = 10_000;
const MAX_PROBLEMS = 1_000;
const KEPT_TEXT = 512;

export interface LogReaderOptions {
  /** How many entries to keep in `entries` (default MAX_ENTRIES); 0 when `onEntry` is enough. */
  keep?: number;
  /** Called for every entry, kept or not; returning false stops parsing (the rest is only counted). */
  onEntry?: (e: LogEntry) => boolean | void;
}

export class LogReader {
  readonly #out: ParsedLog = { entries: [], unknown: [], problems: [], entriesSeen: 0 };
  readonly #keep: number;
  readonly #onEntry?: (e: LogEntry) => boolean | void;
  /** Lines after the caller said it had enough: counted, not parsed. */
  #skipped = 0;
  #stopped = false;
  readonly #lines: LineSplitter;
  #lineNo = 0;
  #started = false;
  #problemsDropped = 0;
  #unknownDropped = false;

  constructor(opts: LogReaderOptions = {}) {
    this.#keep = opts.keep ?? MAX_ENTRIES;
    this.#onEntry = opts.onEntry;
    // One more than MAX_LINE, so a line just over the limit is still seen as too long.
    this.#lines = new LineSplitter(MAX_LINE + 1, (line, length) => this.#line(line, length));
  }

  write(text: string): this {
    // A byte-order mark is not part of the first line.
    const bom = !this.#started && text.startsWith("\ufeff");
    if (text.length > 0) this.#started = true;
    this.#lines.write(bom ? text.slice(1) : text);
    return this;
  }

  end(): ParsedLog {
    this.#lines.end();
    if (this.#skipped > 0) {
      this.#out.truncated = true;
      this.#problem({
        where: `line ${this.#lineNo - this.#skipped + 1}`,
        message: `the last ${this.#skipped} lines were not read (truncated)`,
      });
    }
    if (this.#problemsDropped > 0)
      this.#out.problems.push({ where: "log", message: `${this.#problemsDropped} more problems not listed` });
    return this.#out;
  }

  #problem(p: Problem): void {
    if (this.#out.problems.length < MAX_PROBLEMS) this.#out.problems.push(p);
    else this.#problemsDropped++;
  }

  #line(raw: string, length: number): void {
    const lineNo = ++this.#lineNo;
    if (this.#stopped) {
      this.#skipped++;
      return;
    }
    if (length === 0 || raw.trim() === "") return;
    if (length > MAX_LINE) {
      this.#problem({
        where: `line ${lineNo}`,
        message: `line of ${length} characters exceeds ${MAX_LINE}; not parsed`,
      });
    } else if (looksBinary(raw)) {
      this.#problem({ where: `line ${lineNo}`, message: "binary content; not a log line" });
    } else {
      const e = parseLogLine(raw, lineNo);
      if (e) return this.#entry(e);
    }
    const out = this.#out;
    if (out.unknown.length < MAX_UNKNOWN) out.unknown.push({ line: lineNo, text: raw.slice(0, KEPT_TEXT) });
    else if (!this.#unknownDropped) {
      this.#unknownDropped = true;
      this.#problem({
        where: `line ${lineNo}`,
        message: `more than ${MAX_UNKNOWN} unknown lines; the rest are not kept`,
      });
    }
  }

  #entry(e: LogEntry): void {
    const out = this.#out;
    out.entriesSeen = (out.entriesSeen ?? 0) + 1;
    if (this.#onEntry?.(e) === false) this.#stopped = true;
    if (out.entries.length < this.#keep) out.entries.push(e);
    else if (!out.truncated && this.#keep > 0) {
      out.truncated = true;
      this.#problem({
        where: `line ${e.line}`,
        message: `more than ${this.#keep} entries; the rest are counted, not kept (truncated)`,
      });
    }
  }
}

/** Parse a whole log text. Never throws; every line ends up in `entries`, `unknown` or a count. */
export function parseLog(text: string, opts: LogReaderOptions = {}): ParsedLog {
  const r = new LogReader(opts);
  // Slices, so lines of one enormous text are split the same way as a streamed file's.
  for (let i = 0; i < text.length; i += 1 << 20) r.write(text.slice(i, i + (1 << 20)));
  return r.end();
}

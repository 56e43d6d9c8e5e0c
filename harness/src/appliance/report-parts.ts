/**
 * The error report's parts, collected from streamed text with a cap on what each keeps: status and
 * config parts MAX_PART_BYTES, the capture MAX_CAPTURE_BYTES, unknown parts 64 KiB. The log part
 * is parsed as it arrives (log-reader.ts) and its raw text kept up to MAX_LOG_TEXT. A part cut by
 * its cap is a problem saying "truncated", so the diagnosis is labelled partial.
 */
import { StringDecoder } from "node:string_decoder";
import { LogReader, type LogReaderOptions } from "./log-reader.js";
import { MultipartReader, type PartHead, type PartSink } from "./multipart-reader.js";
import type { ParsedLog, Problem } from "./types.js";

export const MAX_PART_BYTES = 16 * 1024 * 1024;
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;
export const MAX_LOG_TEXT = 4 * 1024 * 1024;
const MAX_OTHER_PART = 64 * 1024;
/** A report has about twenty parts; more is damage, and each kept part costs memory. */
const MAX_PARTS = 1000;
const MiB = (n: number) => `${n / (1024 * 1024)} MiB`;

const FILENAME = /filename=("?)([^";]+)\1/;
const STATUS_PART = /^(DNS|Firmware|Virtual|Object|TCP|Network|Routing|default-config)/;

/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const REPORT_PART_PATTERNS: Record<string, RegExp> = { FILENAME, STATUS_PART };

export interface CollectedPart {
  contentType: string;
  body: Buffer;
  text: string;
}

export interface CollectedReport {
  headers: Record<string, string>;
  preamble: string;
  parts: number;
  byName: Map<string, CollectedPart>;
  log?: ParsedLog;
  logText: string;
  problems: Problem[];
}

/** Up to `cap` bytes of a part; counts the rest. */
class KeptBytes implements PartSink {
  readonly chunks: Buffer[] = [];
  kept = 0;
  total = 0;
  constructor(private readonly cap: number) {}
  write(b: Buffer): void {
    this.total += b.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const take = b.length <= room ? b : b.subarray(0, room);
    this.chunks.push(take);
    this.kept += take.length;
  }
  end(): void {}
  bytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }
}

/** The log part: parsed line by line as it arrives, its text kept up to MAX_LOG_TEXT. */
class LogPart implements PartSink {
  readonly #decoder = new StringDecoder("utf8");
  readonly text = new KeptBytes(MAX_LOG_TEXT);
  readonly reader: LogReader;
  log?: ParsedLog;
  constructor(opts: LogReaderOptions) {
    this.reader = new LogReader(opts);
  }
  write(b: Buffer): void {
    this.text.write(b);
    this.reader.write(this.#decoder.write(b));
  }
  end(): void {
    this.reader.write(this.#decoder.end());
    this.log = this.reader.end();
  }
}

const IGNORE: PartSink = { write() {}, end() {} };

function partName(h: PartHead): string {
  const at = h.id.indexOf("@");
  const id = at >= 0 ? h.id.slice(0, at) : h.id;
  return id || (h.headers["content-disposition"]?.match(FILENAME)?.[2] ?? "");
}

function capOf(name: string): number {
  if (name === "BackgroundPacketCapture") return MAX_CAPTURE_BYTES;
  if (STATUS_PART.test(name)) return MAX_PART_BYTES;
  return MAX_OTHER_PART;
}

export class ReportPartsReader {
  readonly #mime: MultipartReader;
  readonly #kept = new Map<string, { sink: KeptBytes; contentType: string }>();
  readonly #problems: Problem[] = [];
  #log?: { name: string; part: LogPart; contentType: string };
  #dropped = 0;

  constructor(logOptions: LogReaderOptions = {}) {
    this.#mime = new MultipartReader((h) => this.#open(h, logOptions));
  }

  write(text: string): void {
    this.#mime.write(text);
  }

  #open(h: PartHead, logOptions: LogReaderOptions): PartSink {
    const name = partName(h);
    if (this.#kept.size >= MAX_PARTS) {
      if (this.#dropped++ === 0)
        this.#problems.push({
          where: name,
          message: `more than ${MAX_PARTS} parts; the rest are not read (truncated)`,
        });
      return IGNORE;
    }
    if (this.#kept.has(name) || this.#log?.name === name) {
      this.#problems.push({ where: name, message: "part appears more than once; the first is used" });
      return IGNORE;
    }
    if (name === "default-log") {
      this.#log = { name, part: new LogPart(logOptions), contentType: h.contentType };
      return this.#log.part;
    }
    const sink = new KeptBytes(capOf(name));
    this.#kept.set(name, { sink, contentType: h.contentType });
    return sink;
  }

  end(): CollectedReport {
    this.#mime.end();
    const problems: Problem[] = this.#mime.problems.map((m) => ({ where: "multipart", message: m }));
    for (const p of this.#problems) problems.push(p);
    const byName = new Map<string, CollectedPart>();
    for (const [name, { sink, contentType }] of this.#kept) {
      const body = sink.bytes();
      if (sink.total > sink.kept && capOf(name) !== MAX_OTHER_PART)
        problems.push({
          where: name,
          message: `part larger than ${MiB(sink.kept)}; the rest is not read (truncated)`,
        });
      // Unknown parts are shown, not read: their text is only a preview.
      byName.set(name, { contentType, body, text: body.toString("utf8") });
    }
    const out: CollectedReport = {
      headers: this.#mime.headers,
      preamble: this.#mime.preamble,
      parts: this.#mime.parts,
      byName,
      logText: "",
      problems,
    };
    if (this.#log) {
      const { part, contentType } = this.#log;
      out.log = part.log ?? part.reader.end();
      out.logText = part.text.bytes().toString("utf8");
      byName.set("default-log", { contentType, body: Buffer.alloc(0), text: "" });
    }
    return out;
  }
}

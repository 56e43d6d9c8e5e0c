/**
 * The gateway's log target: lines in the appliance's text format (appliance/log-line.ts) for
 * catalog events at or above the target level, to a file, stdout, and a bounded in-memory
 * ring that the management API and the error report read.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { EVENTS, renderText, type EventName } from "../../appliance/event-catalog.js";
import { formatLogLine } from "../../appliance/log-line.js";
import { LOG_LEVELS, type LogLevel } from "../../appliance/types.js";

export interface LogContext {
  tid?: number;
  clientIp?: string;
  txnType?: string;
  objectType?: string;
  objectName?: string;
}

export type LogParams = Record<string, string | number | undefined>;

export class GatewayLogger {
  private lines: string[] = [];
  private fileOk = true;

  constructor(
    private opts: {
      level: LogLevel;
      file: string | null;
      stdout: boolean;
      domain: string;
      keepLines: number;
      objectName: string;
    },
  ) {
    if (opts.file) {
      try {
        mkdirSync(dirname(opts.file), { recursive: true });
      } catch {
        this.fileOk = false;
      }
    }
  }

  get level(): LogLevel {
    return this.opts.level;
  }

  setLevel(level: LogLevel): void {
    this.opts.level = level;
  }

  setObjectName(name: string): void {
    this.opts.objectName = name;
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.opts.level);
  }

  /** Write one catalog event; returns the line, or undefined when below the target level. */
  event(name: EventName, params: LogParams = {}, ctx: LogContext = {}): string | undefined {
    const def = EVENTS[name];
    if (!this.enabled(def.level)) return undefined;
    const line = formatLogLine({
      time: Date.now(),
      domain: this.opts.domain,
      code: def.code,
      category: def.category,
      level: def.level,
      objectType: ctx.objectType ?? "mpgw",
      objectName: ctx.objectName ?? this.opts.objectName,
      tid: ctx.tid ?? 0,
      txnType: ctx.txnType,
      clientIp: ctx.clientIp,
      gtid: ctx.tid,
      message: renderText(def.text, params),
    });
    this.lines.push(line);
    // Drop the oldest tenth at once so trimming stays cheap.
    if (this.lines.length > this.opts.keepLines) this.lines.splice(0, Math.ceil(this.opts.keepLines / 10));
    if (this.opts.stdout) process.stdout.write(line + "\n");
    if (this.opts.file && this.fileOk) {
      try {
        appendFileSync(this.opts.file, line + "\n");
      } catch {
        // A full or read-only disk must not break the data path; the ring still has the line.
        this.fileOk = false;
      }
    }
    return line;
  }

  /** The kept lines as one text (newline-terminated). */
  text(): string {
    return this.lines.length ? this.lines.join("\n") + "\n" : "";
  }

  lineCount(): number {
    return this.lines.length;
  }
}

/**
 * One error base with stable codes (after undici's lib/core/errors.js): callers and the CLI
 * branch on `code`, never on message text. The CLI maps each code to an exit code and prints
 * `message` as one line; `hint` says what to do about it.
 */
export const ErrorCodes = {
  /** A command line that does not parse: unknown command, flag or value. */
  USAGE: { exit: 2 },
  /** A user-written file (scenario, config) that fails validation. */
  INVALID_INPUT: { exit: 3 },
  /** An artifact (capture, log, error report) that cannot be read at all. */
  BAD_ARTIFACT: { exit: 3 },
  /** A file or folder that does not exist or cannot be opened. */
  NOT_FOUND: { exit: 3 },
  /** No Docker engine reachable, or a needed image is missing. */
  ENVIRONMENT: { exit: 4 },
  /** A container, network or capture that failed to start or stop. */
  RUNTIME: { exit: 5 },
  /** A bounded wait that ran out. */
  TIMEOUT: { exit: 5 },
  /** Ctrl-C or SIGTERM: cleanup ran, partial results were kept. */
  INTERRUPTED: { exit: 130 },
  /** A bug: anything not expected. */
  INTERNAL: { exit: 70 },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class BacksideError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "BacksideError";
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details;
  }

  get exitCode(): number {
    return ErrorCodes[this.code].exit;
  }
}

export function isBacksideError(e: unknown): e is BacksideError {
  return e instanceof BacksideError;
}

/** One line for a person: the message, then what to do, never a stack trace. */
export function oneLine(e: unknown): string {
  if (isBacksideError(e)) return e.hint ? `${e.message} (${e.hint})` : e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `internal error: ${msg.split("\n")[0]}`;
}

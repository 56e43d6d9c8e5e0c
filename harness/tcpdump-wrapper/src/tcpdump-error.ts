/**
 * The one error this package throws. Callers branch on `code`, never on the message:
 * - BAD_OPTION: an option that cannot work (a name with a slash, a limit that is not a positive integer);
 * - START_FAILED: tcpdump exited before it listened (no such interface, a filter it cannot compile,
 *   no permission), with what it printed;
 * - TIMEOUT: a bounded wait ran out (tcpdump never said it listened, or never exited after SIGINT);
 * - EXEC_FAILED: the exec function failed or a command on the target exited non-zero.
 */
export type TcpdumpErrorCode = "BAD_OPTION" | "START_FAILED" | "TIMEOUT" | "EXEC_FAILED";

export class TcpdumpError extends Error {
  constructor(
    readonly code: TcpdumpErrorCode,
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "TcpdumpError";
  }
}

/**
 * Where tcpdump runs: this machine (`localTarget()`), or anything you can run a command in (a
 * container, a network namespace, a host over ssh) given as an exec function (`execTarget`).
 */
import { shellQuote } from "./shell-quote.js";
import { TcpdumpError } from "./tcpdump-error.js";

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` on the target to its end, within `timeoutMs`, and gives back its output. */
export type ExecFn = (argv: string[], opts: { timeoutMs: number }) => Promise<ExecResult>;

export interface CaptureTarget {
  /** Shown in messages (`local`, a container's name). */
  readonly name: string;
  exec: ExecFn;
  /** Starts `argv` and returns once it runs in the background; it outlives the call. */
  spawn(argv: string[]): Promise<void>;
  /** The bytes of a file on the target. */
  readFile(path: string): Promise<Buffer>;
  /**
   * Optional: spawn(`argv`), then `then` run to its end, in one call (a target whose calls are
   * slow makes a start cost one call instead of two); without it, spawn and exec.
   */
  spawnThen?(argv: string[], then: string, opts: { timeoutMs: number }): Promise<ExecResult>;
}

export interface ExecTargetOptions {
  /** Shown in messages; default "target". */
  name?: string;
  /** A faster way to copy a file out (e.g. `docker cp`, a tar archive); default base64 through exec. */
  readFile?: (path: string) => Promise<Buffer>;
  /** Bound for one file copy through exec; default 120 s. */
  readTimeoutMs?: number;
}

/**
 * A target from an exec function alone. The background start is a shell that forks the
 * command with every stream on /dev/null, so the exec returns at once and holds no pipe open;
 * a file comes out as base64 text, which survives any exec that hands back strings.
 */
export function execTarget(exec: ExecFn, opts: ExecTargetOptions = {}): CaptureTarget {
  const name = opts.name ?? "target";
  const readTimeoutMs = opts.readTimeoutMs ?? 120_000;
  const background = (argv: string[]) => `${argv.map(shellQuote).join(" ")} </dev/null >/dev/null 2>&1 &`;
  return {
    name,
    exec,
    async spawn(argv) {
      const r = await exec(["/bin/sh", "-c", background(argv)], { timeoutMs: 10_000 });
      if (r.exitCode !== 0) throw execFailed(name, "starting tcpdump", r);
    },
    // The background command holds no pipe of the exec, so the exec ends when `then` does.
    spawnThen: (argv, then, o) => exec(["/bin/sh", "-c", `${background(argv)}\n${then}`], o),
    readFile:
      opts.readFile ??
      (async (path) => {
        const r = await exec(["base64", path], { timeoutMs: readTimeoutMs });
        if (r.exitCode !== 0) throw execFailed(name, `reading ${path}`, r);
        return Buffer.from(r.stdout, "base64");
      }),
  };
}

export function execFailed(target: string, what: string, r: ExecResult): TcpdumpError {
  const why = r.stderr.trim().split("\n")[0] || `exit ${r.exitCode}`;
  return new TcpdumpError("EXEC_FAILED", `${target}: ${what} failed: ${why}`);
}

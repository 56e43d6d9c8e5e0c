import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { BacksideError } from "../errors.js";

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  /** Upper bound for the whole exec; default 30 s. */
  timeoutMs?: number;
  env?: Record<string, string>;
  user?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command in a running container and collects its output. On timeout the stream is
 * dropped and TIMEOUT thrown; the process inside may live on (Docker has no exec kill), so
 * long-running commands should carry their own `timeout` wrapper.
 */
export async function dockerExec(
  container: Docker.Container,
  cmd: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const withStdin = opts.stdin !== undefined;
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: withStdin,
    Tty: false,
    User: opts.user,
    Env: opts.env ? Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) : undefined,
  });
  const stream = await exec.start({ hijack: true, stdin: withStdin });
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on("data", (c: Buffer) => outChunks.push(c));
  err.on("data", (c: Buffer) => errChunks.push(c));
  container.modem.demuxStream(stream, out, err);

  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        stream.destroy();
        reject(
          new BacksideError("TIMEOUT", `exec '${cmd.join(" ")}' did not finish within ${timeoutMs} ms`, {
            details: {
              cmd,
              stdout: Buffer.concat(outChunks).toString(),
              stderr: Buffer.concat(errChunks).toString(),
            },
          }),
        );
      }, timeoutMs);
      stream.on("end", () => resolve());
      stream.on("close", () => resolve());
      stream.on("error", (e: Error) =>
        reject(new BacksideError("RUNTIME", `exec '${cmd[0]}' failed: ${e.message}`, { cause: e })),
      );
      if (withStdin) {
        // Half-close: Docker sees EOF on stdin and keeps sending output (API >= 1.25 honours CloseWrite).
        stream.end(opts.stdin);
      }
    });
  } finally {
    clearTimeout(timer);
  }
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(outChunks).toString(),
    stderr: Buffer.concat(errChunks).toString(),
  };
}

/** Starts a command without waiting for it (no output is kept); for long-running helpers. */
export async function dockerExecDetached(container: Docker.Container, cmd: string[]): Promise<void> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false, Tty: false });
  await exec.start({ Detach: true });
}

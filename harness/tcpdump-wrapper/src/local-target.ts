import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { constants } from "node:os";
import type { CaptureTarget, ExecResult } from "./capture-target.js";
import { TcpdumpError } from "./tcpdump-error.js";

/** Runs a command on this machine, collecting its output; killed when it outlasts `timeoutMs`. */
export function localExec(argv: string[], opts: { timeoutMs: number }): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], timeout: opts.timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on("data", (b: Buffer) => out.push(b));
    p.stderr.on("data", (b: Buffer) => err.push(b));
    p.on("error", (e) =>
      reject(new TcpdumpError("EXEC_FAILED", `local: ${argv[0]}: ${e.message}`, { cause: e })),
    );
    const t0 = Date.now();
    p.on("close", (code, signal) => {
      // spawn's own timeout kills with SIGTERM; a command killed otherwise is an exit like any.
      if (signal === "SIGTERM" && code === null && Date.now() - t0 >= opts.timeoutMs)
        return reject(
          new TcpdumpError(
            "TIMEOUT",
            `local: '${argv.join(" ")}' did not finish within ${opts.timeoutMs} ms`,
          ),
        );
      resolve({
        exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

/** This machine: tcpdump needs root or CAP_NET_RAW (and CAP_NET_ADMIN for some interfaces). */
export function localTarget(): CaptureTarget {
  return {
    name: "local",
    exec: localExec,
    spawn: (argv) =>
      new Promise((resolve, reject) => {
        // Its own process group and no pipes: the capture outlives this call and never keeps
        // this process alive.
        const p = spawn(argv[0], argv.slice(1), { stdio: "ignore", detached: true });
        p.once("error", (e) =>
          reject(new TcpdumpError("EXEC_FAILED", `local: ${argv[0]}: ${e.message}`, { cause: e })),
        );
        p.once("spawn", () => {
          p.unref();
          resolve();
        });
      }),
    readFile: (path) => readFile(path),
  };
}

import { spawn } from "node:child_process";
import { BacksideError } from "../errors.js";

/**
 * Runs a program to the end and collects its output. A non-zero exit becomes a BacksideError
 * whose message is the program's last stderr line (our scripts print one clear line there).
 */
export async function runProcess(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; what: string },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new BacksideError("ENVIRONMENT", `${opts.what}: cannot run ${cmd}: ${e.message}`, { cause: e }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ stdout, stderr });
      const last = stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
      const why = signal
        ? `killed by ${signal} after ${Math.round(opts.timeoutMs / 1000)} s limit`
        : `exit ${code}`;
      reject(
        new BacksideError(
          signal ? "TIMEOUT" : "RUNTIME",
          `${opts.what} failed (${why})${last ? `: ${last}` : ""}`,
          {
            details: { stderr: stderr.slice(-4000), stdout: stdout.slice(-2000) },
          },
        ),
      );
    });
  });
}

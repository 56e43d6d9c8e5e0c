import { $ } from "zx";
import { BacksideError } from "../errors.js";

/**
 * Runs a provisioning step (debootstrap, tar, docker import, the bundler) to the end through zx,
 * which quotes every argument and bounds the run. A non-zero exit becomes a BacksideError whose
 * message is the program's last stderr line (our scripts print one clear line there).
 */
export async function runProcess(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; what: string },
): Promise<{ stdout: string; stderr: string }> {
  const run = $({
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    quiet: true,
    nothrow: true,
    timeout: opts.timeoutMs,
    timeoutSignal: "SIGTERM",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = await run`${cmd} ${args}`;
  const { stdout, stderr } = out;
  if (out.exitCode === 0) return { stdout, stderr };
  const last = stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
  // The shell reports a program it cannot find as exit 127.
  if (out.exitCode === 127)
    throw new BacksideError("ENVIRONMENT", `${opts.what}: cannot run ${cmd}${last ? `: ${last}` : ""}`);
  const why = out.signal
    ? `killed by ${out.signal} after ${Math.round(opts.timeoutMs / 1000)} s limit`
    : `exit ${out.exitCode}`;
  throw new BacksideError(
    out.signal ? "TIMEOUT" : "RUNTIME",
    `${opts.what} failed (${why})${last ? `: ${last}` : ""}`,
    {
      details: { stderr: stderr.slice(-4000), stdout: stdout.slice(-2000) },
    },
  );
}

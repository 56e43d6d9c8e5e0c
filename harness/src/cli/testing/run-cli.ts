/** The `backside` binary as a user runs it, for tests through the command line. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../../..");
export const BIN = join(ROOT, "harness/bin/backside.js");

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `backside ARGS` in `cwd` (default the repository), bounded to 60 s. */
export function cli(args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, timeout: 60_000 });
    let out = "";
    let err = "";
    p.stdout.on("data", (b) => (out += b));
    p.stderr.on("data", (b) => (err += b));
    p.on("error", fail);
    p.on("close", (code) => done({ code, out, err }));
  });
}

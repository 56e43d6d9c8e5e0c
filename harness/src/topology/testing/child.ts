/** Test helper: runs the `backside` CLI as a child process and waits for lines, bounded. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pollUntil } from "../../util/poll-until.js";

export const CLI = fileURLToPath(new URL("../../../bin/backside.js", import.meta.url));

export interface Child {
  proc: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[]): Child {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  proc.on("exit", (code, signal) => (exit = { code, signal }));
  return {
    proc,
    output: () => out,
    waitFor: (re, timeoutMs) =>
      pollUntil(
        async () => {
          const m = re.exec(out);
          if (m) return m;
          if (exit) throw new Error(`exited early (${exit.code ?? exit.signal}): ${out.slice(-500)}`);
          return undefined;
        },
        { what: `${re} in child output`, timeoutMs, intervalMs: 100 },
      ),
    exited: (timeoutMs) => pollUntil(async () => exit, { what: "child exit", timeoutMs, intervalMs: 100 }),
  };
}

import { spawn } from "node:child_process";
import { BacksideError } from "../../errors.js";

/**
 * How a command reaches the firewall node: the harness passes one built on `docker exec -i`
 * (or dockerode); tests pass one built on `ip netns exec`. argv only, never a shell string.
 */
export type Exec = (argv: readonly string[], stdin?: string) => Promise<ExecResult>;
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** An Exec that runs `prefix + argv` here, e.g. `["docker", "exec", "-i", id]` or `["ip", "netns", "exec", ns]`. */
export function spawnExec(prefix: readonly string[] = [], timeoutMs = 15_000): Exec {
  return (argv, stdin) =>
    new Promise((resolve, reject) => {
      const [cmd, ...args] = [...prefix, ...argv];
      const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on(
        "error",
        (e) => (
          clearTimeout(t),
          reject(new BacksideError("ENVIRONMENT", `cannot run ${cmd}: ${e.message}`, { cause: e }))
        ),
      );
      child.on("close", (code, signal) => {
        clearTimeout(t);
        if (signal === "SIGKILL")
          return reject(
            new BacksideError("TIMEOUT", `${[cmd, ...args].join(" ")} took over ${timeoutMs} ms`),
          );
        resolve({ exitCode: code ?? -1, stdout, stderr });
      });
      // A command that exits without reading its input (a failed nft) must not crash us with EPIPE:
      // its exit code and stderr say what went wrong.
      child.stdin.on("error", () => {});
      child.stdin.end(stdin ?? "");
    });
}

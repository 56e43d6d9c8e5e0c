import { hostname } from "node:os";
import { readFileSync } from "node:fs";

/**
 * Who owns a run: host name, pid and the pid's start time (clock ticks since boot, field 22 of
 * /proc/<pid>/stat). The start time guards against pid reuse: a recycled pid has another one.
 */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Empty when /proc is not readable (non-Linux); then only the pid is compared. */
  start: string;
}

export function currentProcess(): ProcessIdentity {
  return { host: hostname(), pid: process.pid, start: processStart(process.pid) ?? "" };
}

export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19]; // field 22 overall: fields 3.. start at index 0
  } catch {
    return undefined;
  }
}

export type Liveness = "alive" | "dead" | "unknown";

/** "unknown" for another host's process: we cannot tell, so callers keep its resources. */
export function liveness(owner: Partial<ProcessIdentity>): Liveness {
  if (!owner.host || !owner.pid) return "unknown";
  if (owner.host !== hostname()) return "unknown";
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return "dead";
  }
  if (owner.start) {
    const now = processStart(owner.pid);
    if (now !== undefined && now !== owner.start) return "dead";
  }
  return "alive";
}

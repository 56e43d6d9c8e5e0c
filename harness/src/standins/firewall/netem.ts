import { BacksideError } from "../../errors.js";
import type { Exec } from "./exec.js";

/**
 * Latency and jitter need the netem qdisc (net/sched/sch_netem.c). Kernels without it (this
 * project's CI machines: ENVIRONMENT.md) answer `tc qdisc add ... netem` with "Error: Specified
 * qdisc kind is unknown."; there a delay can only come from user space (backend `slow`).
 */
export interface NetemSupport {
  available: boolean;
  reason?: string;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Tries a netem qdisc on `dev` of the node and removes it again. */
export async function detectNetem(exec: Exec, dev = "lo"): Promise<NetemSupport> {
  if (!IFNAME.test(dev))
    throw new BacksideError("INVALID_INPUT", `netem: dev "${dev}" is not an interface name`);
  const add = await exec(["tc", "qdisc", "add", "dev", dev, "root", "netem", "delay", "1ms"]);
  if (add.exitCode !== 0) return { available: false, reason: add.stderr.trim() || `tc exit ${add.exitCode}` };
  await exec(["tc", "qdisc", "del", "dev", dev, "root"]);
  return { available: true };
}

export interface NetemOptions {
  delayMs: number;
  jitterMs?: number;
}

export function renderNetem(dev: string, o: NetemOptions): string[] {
  if (!IFNAME.test(dev))
    throw new BacksideError("INVALID_INPUT", `netem: dev "${dev}" is not an interface name`);
  if (!(o.delayMs >= 0 && o.delayMs <= 60_000))
    throw new BacksideError("INVALID_INPUT", "netem: delayMs must be 0-60000");
  const jitter = o.jitterMs ? [`${o.jitterMs}ms`] : [];
  return ["tc", "qdisc", "replace", "dev", dev, "root", "netem", "delay", `${o.delayMs}ms`, ...jitter];
}

/** Adds delay on `dev`; refuses clearly where the kernel has no netem. */
export async function applyNetem(
  exec: Exec,
  dev: string,
  o: NetemOptions,
  support?: NetemSupport,
): Promise<void> {
  const s = support ?? (await detectNetem(exec, dev));
  if (!s.available) {
    throw new BacksideError(
      "ENVIRONMENT",
      `netem is not available on this kernel (${s.reason}); latency/jitter cannot be emulated here`,
      {
        hint: "use the backend's slow mode for a user-space delay",
      },
    );
  }
  const r = await exec(renderNetem(dev, o));
  if (r.exitCode !== 0) throw new BacksideError("RUNTIME", `tc netem failed: ${r.stderr.trim()}`);
}

export async function clearNetem(exec: Exec, dev: string): Promise<void> {
  // "Cannot delete qdisc with handle of zero" / no such qdisc: nothing to clear.
  await exec(["tc", "qdisc", "del", "dev", dev, "root"]);
}

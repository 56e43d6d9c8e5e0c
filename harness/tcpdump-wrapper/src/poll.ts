import { TcpdumpError } from "./tcpdump-error.js";

/**
 * Calls `probe` until it returns true or the deadline passes (then TIMEOUT naming `what`).
 * A probe that throws ends the wait with that error. The pause grows from `intervalMs` up to
 * four times it, so short waits stay fast and long ones do not busy the target.
 */
export async function pollUntil(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  while (!(await probe())) {
    const left = deadline - Date.now();
    if (left <= 0) throw new TcpdumpError("TIMEOUT", `timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    pause = Math.min(pause * 1.5, intervalMs * 4);
  }
}

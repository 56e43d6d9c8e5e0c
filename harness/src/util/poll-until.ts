import { BacksideError } from "../errors.js";

export interface PollOptions {
  /** What is being waited for, for the TIMEOUT message ("gateway routes applied"). */
  what: string;
  timeoutMs: number;
  /** Pause between attempts; grows by half each time up to 4x, so short waits stay fast. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Calls `probe` until it returns something other than `undefined`/`false`, or the deadline
 * passes. A probe that throws counts as "not yet"; the last error is kept as the cause of
 * the TIMEOUT so a wait that never succeeds says why. A probe can stop the wait early by
 * throwing `PollAbort`.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined | false>,
  opts: PollOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const base = opts.intervalMs ?? 50;
  let interval = base;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    if (opts.signal?.aborted)
      throw new BacksideError("INTERRUPTED", `interrupted while waiting for ${opts.what}`);
    attempts++;
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      if (e instanceof PollAbort) throw e.error;
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const why = lastError instanceof Error ? `: ${lastError.message.split("\n")[0]}` : "";
      throw new BacksideError(
        "TIMEOUT",
        `timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`,
        {
          cause: lastError,
          details: { attempts },
        },
      );
    }
    await delay(Math.min(interval, left));
    interval = Math.min(interval * 1.5, base * 4);
  }
}

/** Thrown by a probe to end the wait at once with `error` (e.g. the container exited). */
export class PollAbort {
  constructor(readonly error: unknown) {}
}

/** Resolves after `ms`; only for pacing a bounded poll, never to wait for a condition. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with TIMEOUT when `p` takes longer than `ms`; `p` itself is not cancelled. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BacksideError("TIMEOUT", `timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

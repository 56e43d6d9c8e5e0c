/**
 * Traffic from the client node: `curl` by exec to the gateway's front port. Bounded twice:
 * curl's own --max-time and the exec's timeout. A request that fails is an outcome, not an error.
 */
import type { StartedNode } from "../topology/started-node.js";
import type { RequestOutcome } from "./result-types.js";
import { delay } from "../util/poll-until.js";

export interface RequestPlan {
  count: number;
  intervalMs: number;
  concurrency: number;
  maxTimeSeconds: number;
  /** Stop starting requests once this many failed and this many succeeded (`count` is the most). */
  until?: { failed: number; succeeded: number };
}

/** What the client got: a 2xx or 3xx from the gateway is a success, anything else a failure. */
export const succeededRequest = (o: RequestOutcome) => o.exitCode === 0 && o.status >= 200 && o.status < 400;

export function untilReached(out: RequestOutcome[], until: RequestPlan["until"]): boolean {
  if (!until) return false;
  const ok = out.filter(succeededRequest).length;
  return ok >= until.succeeded && out.length - ok >= until.failed;
}

export interface DriveTarget {
  client: StartedNode;
  url: string;
  /** Numbering continues across request steps. */
  firstIndex: number;
  signal?: AbortSignal;
}

const WRITE_OUT = "%{http_code} %{time_total}";

export async function oneRequest(
  t: DriveTarget,
  index: number,
  maxTimeSeconds: number,
): Promise<RequestOutcome> {
  const started = Date.now();
  const r = await t.client.exec(
    ["curl", "-s", "-o", "/dev/null", "-w", WRITE_OUT, "--max-time", String(maxTimeSeconds), t.url],
    {
      timeoutMs: (maxTimeSeconds + 10) * 1000,
    },
  );
  const [code, secs] = r.stdout.trim().split(/\s+/);
  return {
    index,
    status: Number(code) || 0,
    exitCode: r.exitCode,
    seconds: Number(secs) || (Date.now() - started) / 1000,
  };
}

/**
 * Starts `count` requests, `intervalMs` apart, at most `concurrency` in flight; with `until`,
 * stops starting them once enough failed and succeeded.
 */
export async function driveRequests(t: DriveTarget, plan: RequestPlan): Promise<RequestOutcome[]> {
  const out: RequestOutcome[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < plan.count; i++) {
    if (t.signal?.aborted) break;
    while (inFlight.size >= plan.concurrency) await Promise.race(inFlight);
    if (untilReached(out, plan.until)) break;
    const p: Promise<void> = oneRequest(t, t.firstIndex + i, plan.maxTimeSeconds).then(
      (o) => void out.push(o),
      () => void out.push({ index: t.firstIndex + i, status: 0, exitCode: -1, seconds: 0 }),
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (plan.intervalMs > 0 && i < plan.count - 1) await delay(plan.intervalMs);
  }
  await Promise.all(inFlight);
  return out.sort((a, b) => a.index - b.index);
}

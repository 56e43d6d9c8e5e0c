/**
 * How many scenarios run at once when `--parallel` is not given: from the machine's cores and
 * the memory it has free. A scenario spends most of its time waiting on its fault (timeouts,
 * retransmissions), so two topologies share a core well. A topology takes up to about 250 MiB in
 * its five containers, exec agents included (`docker stats` sampled three times during `run
 * --all` at 4 in parallel: 158-252 MiB each, nine alive; each program about 65 MiB, running in a
 * worker thread with the next one loaded beside it, standins/control/standin-host.ts), and the
 * pool keeps up to 2 x parallel + 1 alive (one running, one collecting or idle, one warming per
 * worker): 2.25 a scenario at 4 in parallel, about 570 MiB, plus tcpdump and the harness's
 * share: 640 MiB each.
 */
import { availableParallelism, freemem } from "node:os";

export const TOPOLOGIES_PER_CORE = 2;
export const TOPOLOGY_BYTES = 640 * 2 ** 20;
export const MAX_PARALLEL = 16;

export interface Machine {
  cores: number;
  freeBytes: number;
}

export interface ParallelChoice {
  parallel: number;
  /** Why, for the run's first line: `2 cores × 2, 21.3 GiB free: limited by cores`. */
  reason: string;
}

export function thisMachine(): Machine {
  // A cgroup memory limit is smaller than what the host has free; honour the smaller.
  const limit = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
  const free = freemem();
  return { cores: availableParallelism(), freeBytes: limit > 0 ? Math.min(limit, free) : free };
}

export function defaultParallel(m: Machine = thisMachine()): ParallelChoice {
  const byCores = Math.max(1, m.cores) * TOPOLOGIES_PER_CORE;
  const byMemory = Math.floor(m.freeBytes / TOPOLOGY_BYTES);
  const parallel = Math.max(1, Math.min(byCores, byMemory, MAX_PARALLEL));
  const gib = (m.freeBytes / 2 ** 30).toFixed(1);
  const limit =
    parallel === 1 && byMemory < 1
      ? "memory"
      : parallel === byCores
        ? "cores"
        : parallel === byMemory
          ? "memory"
          : `the cap of ${MAX_PARALLEL}`;
  return {
    parallel,
    reason: `${m.cores} cores × ${TOPOLOGIES_PER_CORE}, ${gib} GiB free: limited by ${limit}`,
  };
}

/**
 * `--shard K/N`: the K-th of N shares of a selection, balanced by each scenario's recorded
 * duration (scenarios/durations.json). Longest first, each to the share with the least time so
 * far (the LPT rule; ties go to the lowest share, names break equal durations), so every job of
 * a CI matrix computes the same split from the same catalogue and file, with no coordination.
 * A scenario with no recorded duration counts as the median of those recorded.
 */
import type { Scenario } from "../scenarios/schema.js";

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

/** When nothing is recorded at all: about what one scenario takes on a 2-core machine. */
export const UNRECORDED_MS = 8_000;

export function estimateMs(
  names: readonly string[],
  recorded: ReadonlyMap<string, number>,
): Map<string, number> {
  const known = [...recorded.values()].sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : UNRECORDED_MS;
  return new Map(names.map((n) => [n, recorded.get(n) ?? median]));
}

/** Every share of the selection, in catalogue order within each. */
export function splitScenarios<T extends Pick<Scenario, "name">>(
  list: readonly T[],
  total: number,
  recorded: ReadonlyMap<string, number>,
): T[][] {
  const ms = estimateMs(
    list.map((s) => s.name),
    recorded,
  );
  const order = [...list].sort((a, b) => ms.get(b.name)! - ms.get(a.name)! || (a.name < b.name ? -1 : 1));
  const load = Array.from({ length: total }, () => 0);
  const shareOf = new Map<string, number>();
  for (const s of order) {
    const k = load.indexOf(Math.min(...load));
    load[k] += ms.get(s.name)!;
    shareOf.set(s.name, k);
  }
  return load.map((_, k) => list.filter((s) => shareOf.get(s.name) === k));
}

export function shardScenarios<T extends Pick<Scenario, "name">>(
  list: readonly T[],
  shard: Shard,
  recorded: ReadonlyMap<string, number>,
): T[] {
  return splitScenarios(list, shard.total, recorded)[shard.index - 1];
}

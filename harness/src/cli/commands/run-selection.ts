/**
 * Which scenarios `backside run` runs: names or the whole catalogue (`--all`, or only `--tag` /
 * `--grep`), narrowed by `--tag` and `--grep`, then the run's share of them with `--shard K/N`.
 */
import { BacksideError } from "../../errors.js";
import { readCatalogue, scenariosToRun, type Scenario } from "../../scenarios/index.js";
import { emptySelectionError, filterScenarios } from "../../scenarios/filter-scenarios.js";
import { estimateMs, shardScenarios, type Shard } from "../../runner/shard-scenarios.js";
import { durationsPath, readDurations } from "../../reporters/durations-file.js";
import { formatDuration } from "../../reporters/format-duration.js";

export interface SelectionArgs {
  names: string[];
  all: boolean;
  tags: string[];
  grep?: string;
  shard?: Shard;
  /** Recorded durations for --shard (default `<dir>/durations.json`). */
  durations?: string;
  dir: string;
}

export interface Selection {
  scenarios: Scenario[];
  /** For the run's second line when it runs a share: which share, of how many, how long. */
  note?: string;
}

export const MAX_SHARDS = 1000;

/** `--shard 2/5` as a share, or a usage error that says what the value must be. */
export function shardOption(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || total < 1 || index > total || total > MAX_SHARDS)
    throw new BacksideError(
      "USAGE",
      `run: --shard must be K/N with 1 <= K <= N <= ${MAX_SHARDS} (e.g. 1/2), not '${v}'`,
      { hint: "run `backside run --help`" },
    );
  return { index, total };
}

export function selectScenarios(a: SelectionArgs, warn: (line: string) => void): Selection {
  const filtering = a.tags.length > 0 || a.grep !== undefined;
  const source = scenariosToRun(readCatalogue(a.dir), a.all || !a.names.length ? "all" : a.names, warn);
  const picked = filterScenarios(source, { tags: a.tags, grep: a.grep });
  if (filtering && picked.length === 0) throw emptySelectionError(source, { tags: a.tags, grep: a.grep });
  if (!a.shard) return { scenarios: picked };
  const file = a.durations ?? durationsPath(a.dir);
  const recorded = readDurations(file);
  const mine = shardScenarios(picked, a.shard, recorded);
  const ms = estimateMs(
    mine.map((s) => s.name),
    recorded,
  );
  const sum = [...ms.values()].reduce((x, y) => x + y, 0);
  const unknown = mine.filter((s) => !recorded.has(s.name)).length;
  return {
    scenarios: mine,
    note:
      `Shard ${a.shard.index}/${a.shard.total}: ${mine.length} of ${picked.length} scenario(s), ` +
      `about ${formatDuration(sum)} of recorded time (${file}${unknown ? `; ${unknown} not recorded` : ""})`,
  };
}

/**
 * Which scenarios `backside run` runs (and `backside list` shows): names or the whole catalogue
 * (`--all`, or only `--tag` / `--grep`), narrowed by `--tag` and `--grep`, then the run's share
 * of them with `--shard K/N`. One option table for both commands.
 */
import { BacksideError } from "../../errors.js";
import { readCatalogue, scenariosToRun, type Scenario } from "../../scenarios/index.js";
import { emptySelectionError, filterScenarios } from "../../scenarios/filter-scenarios.js";
import { estimateMs, shardScenarios, type Shard } from "../../runner/shard-scenarios.js";
import { durationsPath, readDurations } from "../../reporters/durations-file.js";
import { formatDuration } from "../../reporters/format-duration.js";
import type { OptionTable, OptionValues } from "../options.js";

export const SELECTION_OPTIONS = {
  tag: {
    type: "string",
    metavar: "TAG",
    multiple: true,
    help: "only scenarios with this tag (several: any of them); without names, from the whole catalogue",
  },
  grep: {
    type: "string",
    metavar: "PATTERN",
    help: "only scenarios whose name matches this regular expression",
  },
  shard: {
    type: "string",
    metavar: "K/N",
    help: "share K of N of the selection, balanced by recorded durations (for CI jobs; join them with `backside merge`)",
  },
  durations: {
    type: "string",
    metavar: "FILE",
    help: "recorded durations --shard balances by (default: durations.json in the scenario folder)",
  },
} as const satisfies OptionTable;

export interface NarrowArgs {
  tags: string[];
  grep?: string;
  shard?: Shard;
  /** Recorded durations for --shard (default `<dir>/durations.json`). */
  durations?: string;
  dir: string;
}

export interface SelectionArgs extends NarrowArgs {
  names: string[];
  all: boolean;
}

/** The table's values as arguments (`command` names the command in a usage error). */
export function narrowArgs(
  command: string,
  v: OptionValues<typeof SELECTION_OPTIONS>,
): Omit<NarrowArgs, "dir"> {
  return {
    tags: v.tag ?? [],
    grep: v.grep,
    shard: v.shard === undefined ? undefined : shardOption(v.shard, command),
    durations: v.durations,
  };
}

export interface Selection {
  scenarios: Scenario[];
  /** For the run's second line when it runs a share: which share, of how many, how long. */
  note?: string;
}

export const MAX_SHARDS = 1000;

/** `--shard 2/5` as a share, or a usage error that says what the value must be. */
export function shardOption(v: string, command = "run"): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || total < 1 || index > total || total > MAX_SHARDS)
    throw new BacksideError(
      "USAGE",
      `${command}: --shard must be K/N with 1 <= K <= N <= ${MAX_SHARDS} (e.g. 1/2), not '${v}'`,
      { hint: `run \`backside ${command} --help\`` },
    );
  return { index, total };
}

export function selectScenarios(a: SelectionArgs, warn: (line: string) => void): Selection {
  const source = scenariosToRun(readCatalogue(a.dir), a.all || !a.names.length ? "all" : a.names, warn);
  return narrowSelection(source, a);
}

/** `--tag`, `--grep`, then `--shard` over scenarios already chosen. */
export function narrowSelection(source: Scenario[], a: NarrowArgs, command = "run"): Selection {
  const filtering = a.tags.length > 0 || a.grep !== undefined;
  const picked = filterScenarios(source, { tags: a.tags, grep: a.grep }, command);
  if (filtering && picked.length === 0)
    throw emptySelectionError(source, { tags: a.tags, grep: a.grep }, command);
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

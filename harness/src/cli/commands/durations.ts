/**
 * `backside durations REPORT_DIR... [--out FILE]`: records how long each scenario took in these
 * report folders (a whole run, or every share of one) in the file `run --shard` balances by.
 */
import { BacksideError } from "../../errors.js";
import { defaultScenarioDir } from "../../scenarios/index.js";
import { durationsOf, durationsPath, readDurations, writeDurations } from "../../reporters/durations-file.js";
import { readReport } from "../../reporters/read-report.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const summary = "record each scenario's duration from report folders, for run --shard";

export const options = {
  out: {
    type: "string",
    metavar: "FILE",
    help: "the durations file to update (default: durations.json in the scenario folder)",
  },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside durations REPORT_DIR... [--out FILE]",
    "",
    "  Each scenario's mean time over its runs in the folders replaces its entry in FILE; other",
    "  entries are kept. Check the file in: every CI job of `run --shard K/N` must read the same one.",
  ],
  options,
  "Exit codes: 0 recorded, 2 usage, 3 a folder that is not a report or a broken durations file.",
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions("durations", options, argv, { positionals: true });
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  if (parsed.positionals.length === 0)
    throw new BacksideError("USAGE", "durations: name at least one report folder", {
      hint: "run `backside durations --help`",
    });
  const file = parsed.values.out ?? durationsPath(defaultScenarioDir());
  const fresh = durationsOf(parsed.positionals.flatMap((d) => readReport(d).results));
  const old = readDurations(file);
  writeDurations(file, old, fresh);
  const kept = [...old.keys()].filter((n) => !fresh.has(n)).length;
  process.stdout.write(`${file}: ${fresh.size} scenario(s) recorded, ${kept} kept from before\n`);
  return 0;
}

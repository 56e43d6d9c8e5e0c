/**
 * `backside list [--tag TAG] [--grep PATTERN] [--shard K/N] [--dir DIR] [--format text|json]`:
 * the scenario catalogue with each scenario's expected label; with the selection flags, what
 * `run` would run with the same flags (a CI job's share, without Docker).
 */
import {
  readCatalogue,
  brokenError,
  defaultScenarioDir,
  DEFAULT_SCENARIO_DIR,
} from "../../scenarios/index.js";
import { FORMAT_OPTIONS, formatOf, helpText, parseOptions, type OptionTable } from "../options.js";
import { narrowArgs, narrowSelection, SELECTION_OPTIONS } from "./run-selection.js";

export const summary = "list the scenarios and the cause each one expects";

export const options = {
  dir: { type: "string", metavar: "DIR", help: `scenario folder (default ${DEFAULT_SCENARIO_DIR}/)` },
  ...SELECTION_OPTIONS,
  ...FORMAT_OPTIONS,
} satisfies OptionTable;

export const help = helpText(
  "usage: backside list [--tag TAG] [--grep PATTERN] [--shard K/N] [--dir DIR] [--format text|json]",
  options,
  "Exit codes: 0 listed; 3 a scenario file is broken (the valid ones are still listed).",
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions("list", options, argv);
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const dir = parsed.values.dir ?? defaultScenarioDir();
  const { scenarios: catalogue, broken } = readCatalogue(dir);
  const selection = narrowSelection(catalogue, { ...narrowArgs("list", parsed.values), dir }, "list");
  const all = selection.scenarios;
  if (formatOf(parsed.values) === "json") {
    process.stdout.write(
      JSON.stringify(
        all.map((s) => ({
          name: s.name,
          expect: s.expect,
          tags: s.tags,
          timeoutSeconds: s.timeoutSeconds,
          description: s.description,
        })),
        null,
        2,
      ) + "\n",
    );
  } else {
    const w = Math.max(...all.map((s) => s.name.length), 8);
    const e = Math.max(...all.map((s) => s.expect.length), 6);
    process.stdout.write(`${"SCENARIO".padEnd(w)}  ${"EXPECTS".padEnd(e)}  TAGS\n`);
    for (const s of all)
      process.stdout.write(`${s.name.padEnd(w)}  ${s.expect.padEnd(e)}  ${s.tags.join(",")}\n`);
    process.stdout.write(
      `\n${all.length} scenarios covering ${new Set(all.map((s) => s.expect)).size} labels\n`,
    );
    if (selection.note) process.stdout.write(`${selection.note}\n`);
  }
  // The valid scenarios are listed first; the broken files then fail the command.
  if (broken.length > 0) throw brokenError(broken);
  return 0;
}

/**
 * `backside merge DIR... --out DIR`: joins the report folders of a run split over CI jobs
 * (`run --shard K/N`) into one, as one run would have written it. Exit 0 when every joined run
 * matched, 1 when any did not (or a share is missing or did not finish), 2 usage, 3 a folder
 * that is not a report of this version.
 */
import { BacksideError } from "../../errors.js";
import { summaryCounts, type RunSummary } from "../../runner/index.js";
import { HtmlReporter, JsonReporter, JUnitReporter, ReporterMultiplexer } from "../../reporters/index.js";
import { mergeReports } from "../../reporters/merge-reports.js";
import { analyzeCapture } from "../../flows/index.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const summary = "join report folders of a split run (run --shard) into one report";

export const options = {
  out: {
    type: "string",
    metavar: "DIR",
    help: "where to write the joined report (required; not one of the folders joined)",
  },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside merge DIR... --out DIR",
    "",
    "  DIR...  report folders (`run --report-dir`), e.g. one per CI job of `run --shard K/N`",
    "",
    "  Writes report.json, junit.xml and index.html over every run of every folder, with the",
    "  bundles copied beside them.",
  ],
  options,
  "Exit codes: 0 every run matched, 1 some did not or a share is missing, 2 usage, 3 a folder that is not a report.",
);

export function mergeExitCode(s: RunSummary, warnings: number): number {
  const ran = s.results.filter((r) => r.notApplicable === undefined);
  const c = summaryCounts(s.results);
  const whole = !s.interrupted && s.notRun.length === 0 && warnings === 0;
  return whole && ran.length > 0 && c.matched === ran.length ? 0 : 1;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions("merge", options, argv, { positionals: true });
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const out = parsed.values.out;
  if (out === undefined)
    throw new BacksideError("USAGE", "merge: --out DIR is required", { hint: "run `backside merge --help`" });
  if (parsed.positionals.length === 0)
    throw new BacksideError("USAGE", "merge: name at least one report folder", {
      hint: "run `backside merge --help`",
    });
  const warnings: string[] = [];
  const s = await mergeReports({
    dirs: parsed.positionals,
    outDir: out,
    reporter: new ReporterMultiplexer([
      new JsonReporter(undefined, { mergedFrom: parsed.positionals }),
      new JUnitReporter(),
      new HtmlReporter((paths) => analyzeCapture(paths, { ignoreChecksums: true })),
    ]),
    warn: (line) => {
      warnings.push(line);
      process.stderr.write(`backside: ${line}\n`);
    },
  });
  const c = summaryCounts(s.results);
  process.stdout.write(
    `Merged ${parsed.positionals.length} report folder(s): ${s.results.length} run(s), ${c.matched} matched, ` +
      `${c.mismatched} mismatched, ${c.errored} errored, ${c.interrupted} interrupted, ` +
      `${c.notApplicable} not applicable, ${s.notRun.length} not run\n`,
  );
  process.stdout.write(`Reports: ${s.reportDir}/index.html, report.json, junit.xml\n`);
  return mergeExitCode(s, warnings.filter((w) => /not the whole run|did not finish/.test(w)).length);
}

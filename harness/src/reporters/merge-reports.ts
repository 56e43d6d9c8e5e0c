/**
 * `backside merge`: report folders of one catalogue run in shares (CI jobs of a matrix) joined
 * into one folder, written by the same reporters a run uses, so report.json, junit.xml and
 * index.html (confusion matrix included) are what one run of the same scenarios writes. Each
 * bundle is copied beside them, so every path the reports give stays relative and valid.
 */
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { BacksideError } from "../errors.js";
import type { Reporter } from "./reporter.js";
import type { RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { readReport, type ReadReport } from "./read-report.js";

export interface MergeOptions {
  dirs: readonly string[];
  outDir: string;
  reporter: Reporter;
  /** One line per thing worth knowing that does not stop the merge (a shard missing). */
  warn?: (line: string) => void;
}

/** The same run (scenario, repeat, gateway) in two folders would make two verdicts for one id. */
function checkDisjoint(reports: readonly ReadReport[]): void {
  const seen = new Map<string, string>();
  for (const r of reports)
    for (const id of [...r.results.map((x) => x.id), ...r.notRun]) {
      const other = seen.get(id);
      if (other !== undefined)
        throw new BacksideError("INVALID_INPUT", `merge: ${id} is in both ${other} and ${r.dir}`, {
          hint: "merge the shares of one run, each once",
        });
      seen.set(id, r.dir);
    }
}

/** Shares of one `--shard K/N` run: says which are missing, since the merge is then not the whole. */
export function missingShards(reports: readonly ReadReport[]): string[] {
  const totals = new Set(reports.flatMap((r) => (r.shard ? [r.shard.total] : [])));
  if (totals.size > 1)
    return [`the folders come from different splits (${[...totals].map((n) => `/${n}`).join(", ")})`];
  const [total] = totals;
  if (total === undefined) return [];
  const have = new Set(reports.flatMap((r) => (r.shard ? [r.shard.index] : [])));
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((k) => !have.has(k));
  return missing.length ? [`shard ${missing.map((k) => `${k}/${total}`).join(", ")} not given`] : [];
}

function summaryOf(reports: readonly ReadReport[], outDir: string): RunSummary {
  const byScenario = (a: ScenarioRunResult, b: ScenarioRunResult) =>
    a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : 0;
  const finished = reports.map((r) => r.finishedAt).filter((t): t is string => t !== null);
  return {
    startedAt: reports.map((r) => r.startedAt).sort()[0],
    finishedAt: finished.sort().at(-1) ?? new Date().toISOString(),
    // The shares ran side by side: the merged run took as long as its longest share.
    wallMs: Math.max(0, ...reports.map((r) => r.wallMs ?? 0)),
    reportDir: outDir,
    results: reports.flatMap((r) => r.results).sort(byScenario),
    // A share that was stopped, or killed before it finished, makes the whole incomplete.
    interrupted: reports.some((r) => r.interrupted || !r.complete),
    notRun: reports.flatMap((r) => r.notRun),
    parallel: Math.max(1, ...reports.map((r) => r.parallel ?? 1)),
    repeats: Math.max(1, ...reports.map((r) => r.repeats ?? 1)),
  };
}

export async function mergeReports(o: MergeOptions): Promise<RunSummary> {
  if (o.dirs.length === 0) throw new BacksideError("USAGE", "merge: name at least one report folder");
  const out = resolve(o.outDir);
  const inside = o.dirs.find((d) => resolve(d) === out);
  if (inside !== undefined)
    throw new BacksideError("USAGE", `merge: --out ${o.outDir} is one of the folders to merge`, {
      hint: "write the merged report to a new folder",
    });
  const reports = o.dirs.map((d) => readReport(d));
  checkDisjoint(reports);
  for (const line of missingShards(reports))
    o.warn?.(`merge: ${line}; the merged report is not the whole run`);
  for (const r of reports) if (!r.complete) o.warn?.(`merge: ${r.dir} is of a run that did not finish`);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new BacksideError("NOT_FOUND", `merge: cannot create ${out}`, { cause: e });
  }
  for (const r of reports)
    for (const x of r.results) {
      const from = join(r.dir, x.bundle);
      if (existsSync(from)) cpSync(from, join(out, x.bundle), { recursive: true });
      else o.warn?.(`merge: ${from} is missing; ${x.id} keeps its verdict without its bundle`);
    }
  const s = summaryOf(reports, out);
  await o.reporter.onRunStart?.({
    startedAt: s.startedAt,
    reportDir: out,
    planned: s.results.map((r) => ({
      id: r.id,
      scenario: r.scenario,
      repeat: r.repeat,
      expected: r.expected,
      gateway: r.gateway,
    })),
    parallel: s.parallel,
    repeats: s.repeats,
  });
  await o.reporter.onRunEnd?.(s);
  return s;
}

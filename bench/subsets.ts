/**
 * What each subset of a run's artifacts is enough for: the engine's verdict per scenario from the
 * gateway-side capture alone, every capture, the log alone, the error report alone, and all of
 * them, over the bundles of a `backside run` report folder.
 *
 *   npx tsx bench/subsets.ts [REPORT_DIR]      (default reports/latest)
 *
 * Prints one row per scenario (its first repeat) and, per column, how many verdicts name the
 * expected label. The engine reads only the bundle's files; the expected label comes from
 * report.json, as `backside run` wrote it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../harness/src/engine/diagnose.js";
import { bundleInput } from "../harness/src/runner/diagnose-bundle.js";
import type { DiagnoseInput } from "../harness/src/engine/types.js";

interface Row {
  scenario: string;
  expected: string;
  bundle: string;
}

const SUBSETS: [string, (b: DiagnoseInput) => DiagnoseInput | null][] = [
  ["gateway pcap", (b) => pick(b, { pcaps: b.pcaps?.filter((p) => /gateway-mid/.test(p.path)) })],
  ["all pcaps", (b) => pick(b, { pcaps: b.pcaps })],
  ["log", (b) => pick(b, { logs: b.logs })],
  ["report", (b) => (b.errorReport ? { errorReport: b.errorReport } : null)],
  ["everything", (b) => b],
];

function pick(_b: DiagnoseInput, part: DiagnoseInput): DiagnoseInput | null {
  const has = (part.pcaps?.length ?? 0) + (part.logs?.length ?? 0) + (part.errorReport ? 1 : 0);
  return has ? part : null;
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? "reports/latest";
  const reportFile = join(dir, "report.json");
  if (!existsSync(reportFile)) {
    console.error(`subsets: no ${reportFile}; run \`backside run --all\` first or name a report folder`);
    process.exitCode = 2;
    return;
  }
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as { results: (Row & { repeat?: number })[] };
  const seen = new Set<string>();
  const rows = report.results.filter((r) => !seen.has(r.scenario) && seen.add(r.scenario));
  const head = ["scenario", "expected", ...SUBSETS.map(([n]) => n)];
  const table: string[][] = [head];
  const right = SUBSETS.map(() => 0);
  const tried = SUBSETS.map(() => 0);
  for (const r of rows) {
    const b = bundleInput(join(dir, r.bundle));
    const cells: string[] = [];
    for (const [i, [, make]] of SUBSETS.entries()) {
      const input = make(b);
      if (!input) {
        cells.push("-");
        continue;
      }
      tried[i]++;
      try {
        const d = await diagnose(input);
        if (d.cause === r.expected) right[i]++;
        cells.push(d.cause === r.expected ? `ok (${d.confidence})` : `${d.cause} (${d.confidence})`);
      } catch (e) {
        cells.push(`error: ${e instanceof Error ? e.message.slice(0, 40) : String(e)}`);
      }
    }
    table.push([r.scenario, r.expected, ...cells]);
  }
  table.push(["expected label named", "", ...right.map((n, i) => `${n}/${tried[i]}`)]);
  const w = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((c, i) => c.padEnd(w[i])).join("  "));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});

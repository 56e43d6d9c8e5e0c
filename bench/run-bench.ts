/**
 * Times the scenario catalogue: runs `backside run --all` (or the names given) and prints, per
 * scenario and summed, bring-up, faults and wait, collection, diagnosis and teardown; where
 * bring-up went; the run's wall time; the efficiency ratio (summed faults-and-wait time over
 * the wall: 1.0 means the catalogue takes no longer than its faults) and the overhead share.
 * `--from report.json` prints the same for an earlier run.
 *
 *   npx tsx bench/run-bench.ts [--parallel N] [--repeat N] [NAME...]
 *   npx tsx bench/run-bench.ts --from reports/latest/report.json
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import type { PhaseTimings } from "../harness/src/runner/result-types.js";
import { isTopologyPhase, runFigures, PHASES } from "../harness/src/runner/run-figures.js";

interface Row {
  id: string;
  match: boolean;
  timings: PhaseTimings;
}

const s = (ms: number) => (ms / 1000).toFixed(1).padStart(8);
const HEAD = ["bring-up", "fault+wait", "collect", "diagnose", "teardown", "total"];

export function table(rows: Row[], wallMs: number | null, parallel?: number): string {
  const w = Math.max(8, ...rows.map((r) => r.id.length));
  const line = (name: string, t: Record<string, number>, ok: string) =>
    `${name.padEnd(w)} ${PHASES.map((p, i) => s(t[p] ?? 0).padStart(HEAD[i].length + 1)).join("")}  ${ok}`;
  const out = [
    `${"scenario".padEnd(w)} ${HEAD.map((h) => h.padStart(Math.max(h.length, 8) + 1)).join("")}  ok`,
  ];
  const f = runFigures(rows, wallMs);
  for (const r of rows)
    out.push(line(r.id, r.timings as unknown as Record<string, number>, r.match ? "✓" : "✘"));
  out.push(line("sum (s)", f.sum, `${rows.filter((r) => r.match).length}/${rows.length}`));
  // The run's own steps add up to its bring-up; a topology's phases ran in the background
  // (warmed) or inside the `topology` wait, so they are listed apart and never added to it.
  const list = (steps: [string, number][]) =>
    steps.map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(", ");
  const waited = f.bringUpSteps.filter(([k]) => !isTopologyPhase(k));
  const phases = f.bringUpSteps.filter(([k]) => isTopologyPhase(k));
  if (waited.length) out.push(`bring-up, summed: ${list(waited)}`);
  if (phases.length)
    out.push(`  topologies' own phases (ahead, or within the topology wait): ${list(phases)}`);
  if (wallMs !== null)
    out.push(
      `wall time of the run: ${(wallMs / 1000).toFixed(1)} s for ${rows.length} scenario run(s)${parallel ? `, ${parallel} in parallel` : ""}`,
    );
  if (f.efficiency !== null) out.push(`efficiency (sum of fault+wait) / wall: ${f.efficiency.toFixed(2)}`);
  if (f.overhead !== null)
    out.push(
      `overhead (bring-up + collect + teardown) / summed scenario time: ${(f.overhead * 100).toFixed(0)} %`,
    );
  return out.join("\n");
}

function main(argv: string[]): number {
  const from = argv.indexOf("--from");
  let reportFile: string;
  let wallMs: number | null = null;
  if (from >= 0) {
    reportFile = argv[from + 1];
  } else {
    const dir = mkdtempSync(join(tmpdir(), "backside-bench-"));
    const valued = /^--(parallel|repeat|gateway)$/;
    const names = argv.filter((a, i) => !a.startsWith("-") && !valued.test(argv[i - 1] ?? ""));
    const flags = argv.filter((a, i) => a.startsWith("-") || valued.test(argv[i - 1] ?? ""));
    const args = ["harness/bin/backside.js", "run", ...(names.length ? names : ["--all"]), ...flags];
    args.push("--report-dir", dir);
    const t0 = Date.now();
    // Bounded: the catalogue's scenarios are each bounded; an hour is far beyond any of it.
    const r = spawnSync(process.execPath, args, { stdio: "inherit", timeout: 3_600_000 });
    wallMs = Date.now() - t0;
    process.stdout.write(`\nbackside run exited ${r.status}\n`);
    reportFile = join(dir, "report.json");
  }
  const doc = JSON.parse(readFileSync(reportFile, "utf8")) as {
    wallMs: number | null;
    parallel?: number;
    results: Row[];
  };
  // The catalogue's own wall (report.json) leaves out the CLI's start; a measured one is the fallback.
  process.stdout.write(table(doc.results, doc.wallMs ?? wallMs, doc.parallel) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));

/**
 * Times the scenario catalogue: runs `backside run --all` (or the names given) through the
 * runner and prints the wall time and, per scenario, the split into bring-up, fault and wait,
 * collection and diagnosis. `--from report.json` prints the same table for an earlier run.
 *
 *   npx tsx bench/run-bench.ts [--parallel N] [--repeat N] [NAME...]
 *   npx tsx bench/run-bench.ts --from reports/latest/report.json
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

interface Row {
  id: string;
  match: boolean;
  timings: {
    bringUp: number;
    faultWait: number;
    collect: number;
    diagnose: number;
    teardown?: number;
    total: number;
  };
}

const s = (ms: number) => (ms / 1000).toFixed(1).padStart(7);

export function table(rows: Row[], wallMs: number | null): string {
  const w = Math.max(8, ...rows.map((r) => r.id.length));
  const out = [
    `${"scenario".padEnd(w)}  ${"bring-up".padStart(8)} ${"fault+wait".padStart(10)} ${"collect".padStart(8)} ${"diagnose".padStart(8)} ${"teardown".padStart(8)} ${"total".padStart(8)}  ok`,
  ];
  const sum = { bringUp: 0, faultWait: 0, collect: 0, diagnose: 0, teardown: 0, total: 0 };
  for (const r of rows) {
    const t = r.timings;
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += t[k] ?? 0;
    out.push(
      `${r.id.padEnd(w)}  ${s(t.bringUp)}s ${s(t.faultWait)}s   ${s(t.collect)}s ${s(t.diagnose)}s ${s(t.teardown ?? 0)}s ${s(t.total)}s  ${r.match ? "✓" : "✘"}`,
    );
  }
  out.push(
    `${"sum".padEnd(w)}  ${s(sum.bringUp)}s ${s(sum.faultWait)}s   ${s(sum.collect)}s ${s(sum.diagnose)}s ${s(sum.teardown)}s ${s(sum.total)}s`,
  );
  if (wallMs !== null)
    out.push(`wall time of the run: ${(wallMs / 1000).toFixed(1)} s for ${rows.length} scenario run(s)`);
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
    const names = argv.filter(
      (a, i) => !a.startsWith("-") && !/^--(parallel|repeat)$/.test(argv[i - 1] ?? ""),
    );
    const flags = argv.filter((a, i) => a.startsWith("-") || /^--(parallel|repeat)$/.test(argv[i - 1] ?? ""));
    const args = [
      "harness/bin/backside.js",
      "run",
      ...(names.length ? names : ["--all"]),
      ...flags,
      "--report-dir",
      dir,
    ];
    const t0 = Date.now();
    // Bounded: the catalogue's scenarios are each bounded; an hour is far beyond any of it.
    const r = spawnSync(process.execPath, args, { stdio: "inherit", timeout: 3_600_000 });
    wallMs = Date.now() - t0;
    process.stdout.write(`\nbackside run exited ${r.status}\n`);
    reportFile = join(dir, "report.json");
  }
  const doc = JSON.parse(readFileSync(reportFile, "utf8")) as { wallMs: number | null; results: Row[] };
  process.stdout.write(table(doc.results, wallMs ?? doc.wallMs) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));

/**
 * The real-tools corpus report: runs the engine over every capture of test/real-tools/corpus (made
 * by test/real-tools/make.sh with curl, wget, Python, nginx, openssl, dnsmasq, unbound, nftables)
 * and prints, per case, the expected label, the verdict, its confidence and whether it is right,
 * then the count of right answers and, for each wrong one, the first lines of the engine's text.
 *
 *   npm run corpus [-- --dir DIR] [--lines N]
 *
 * A report, not a test: exit 0 whatever the engine says; 1 only when the corpus cannot be read.
 */
import { formatDiagnosisText } from "../harness/src/engine/format-text.js";
import {
  REAL_TOOLS_DIR,
  diagnoseRealToolsCase,
  readRealToolsManifest,
  type RealToolsCase,
} from "../harness/src/engine/fixtures/real-tools.js";
import type { Diagnosis } from "../harness/src/engine/types.js";

interface Row {
  c: RealToolsCase;
  d?: Diagnosis;
  error?: string;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.c.case,
    r.c.stack,
    r.c.target ?? "-",
    r.c.label,
    r.d?.cause ?? `error: ${r.error}`,
    r.d?.confidence ?? "-",
    r.d?.cause === r.c.label ? "right" : "WRONG",
  ]);
  const head = ["case", "stack", "target", "expected", "verdict", "confidence", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

async function main(): Promise<number> {
  const dir = option("--dir", REAL_TOOLS_DIR);
  const lines = Number(option("--lines", "6"));
  let cases: RealToolsCase[];
  try {
    cases = readRealToolsManifest(dir);
  } catch (e) {
    process.stderr.write(
      `corpus: cannot read ${dir}/manifest.json (${(e as Error).message}); run: sudo bash test/real-tools/make.sh\n`,
    );
    return 1;
  }
  const rows: Row[] = [];
  for (const c of cases) {
    try {
      rows.push({ c, d: await diagnoseRealToolsCase(c, dir) });
    } catch (e) {
      rows.push({ c, error: (e as Error).message });
    }
  }
  const right = rows.filter((r) => r.d?.cause === r.c.label).length;
  const out = [table(rows), "", `right: ${right} of ${rows.length}`];
  for (const r of rows.filter((r) => r.d?.cause !== r.c.label)) {
    out.push("", `--- ${r.c.case} (expected ${r.c.label}; ${r.c.mechanism})`);
    out.push(r.d ? formatDiagnosisText(r.d).split("\n").slice(0, lines).join("\n") : `error: ${r.error}`);
  }
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}

process.exitCode = await main();

/**
 * Live progress, one line per event, no cursor tricks: readable in a CI log as on a terminal.
 * Colour only when the stream is a TTY and NO_COLOR is unset.
 */
import type { Reporter, ScenarioStartInfo } from "./reporter.js";
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { summaryCounts } from "../runner/result-types.js";
import { formatDuration } from "./format-duration.js";
import { gatewayTable } from "./gateway-table.js";

export interface ConsoleStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** What the run's first lines say beyond the counts: why this parallelism, which share. */
export interface ConsoleNotes {
  /** After "with N in parallel": how N was chosen (`default: 2 cores × 2, ...`). */
  parallel?: string;
  /** A line of its own after the first: the selection (`shard 1/2: 20 of 39 scenarios`). */
  selection?: string;
}

export class ConsoleReporter implements Reporter {
  readonly name = "console";
  private readonly colour: boolean;
  private total = 0;
  private done = 0;

  constructor(
    private readonly out: ConsoleStream = process.stdout,
    private readonly notes: ConsoleNotes = {},
  ) {
    this.colour = Boolean(out.isTTY) && !process.env.NO_COLOR;
  }

  private paint(code: number, s: string): string {
    return this.colour ? `\x1b[${code}m${s}\x1b[0m` : s;
  }

  onRunStart(info: RunStartInfo): void {
    this.total = info.planned.length;
    const scen = new Set(info.planned.map((p) => p.scenario)).size;
    this.out.write(
      `Running ${this.total} scenario run(s) (${scen} scenario(s) × ${info.repeats}) with ${info.parallel} in parallel${this.notes.parallel ? ` (${this.notes.parallel})` : ""}\n`,
    );
    if (this.notes.selection) this.out.write(`${this.notes.selection}\n`);
    this.out.write(`Reports: ${info.reportDir}\n\n`);
  }

  onScenarioStart(info: ScenarioStartInfo): void {
    this.out.write(`${this.paint(2, `[${info.index}/${info.total}]`)} ${info.id} started\n`);
  }

  onScenarioEnd(r: ScenarioRunResult): void {
    this.done++;
    if (r.notApplicable !== undefined) {
      this.out.write(
        `  ${this.paint(33, "–")} ${this.paint(2, `[${this.done}/${this.total}]`)} ${r.id}  not applicable with ${r.gateway}: ${r.notApplicable}\n`,
      );
      return;
    }
    const mark = r.match ? this.paint(32, "✓") : r.interrupted ? this.paint(33, "…") : this.paint(31, "✘");
    const got = r.interrupted ? "interrupted before its steps finished" : (r.diagnosed ?? "no diagnosis");
    const conf = r.confidence === null ? "" : ` (${r.confidence})`;
    const flags = [r.partial ? this.paint(33, "partial") : "", r.error ? this.paint(31, r.error.code) : ""]
      .filter(Boolean)
      .join(" ");
    this.out.write(
      `  ${mark} ${this.paint(2, `[${this.done}/${this.total}]`)} ${r.id}  expected ${r.expected}, diagnosed ${got}${conf}  ${formatDuration(r.timings.total)}${flags ? `  ${flags}` : ""}\n`,
    );
    if (!r.match && !r.interrupted) {
      if (r.error) this.out.write(`      ${r.error.message}\n`);
      for (const e of r.evidence.slice(0, 3)) this.out.write(`      - ${e.text}\n`);
    }
    for (const why of r.partialReasons)
      if (!(r.interrupted && why === "interrupted")) this.out.write(`      partial: ${why}\n`);
    if (r.kept) {
      const names = Object.entries(r.kept.containers);
      this.out.write(`      kept up for a look (run ${r.kept.runId}):\n`);
      const cmds = names.map(([node, c]) => [node, `docker exec -it ${c} sh`]);
      const w = Math.max(...cmds.map(([, cmd]) => cmd.length));
      for (const [node, cmd] of cmds) this.out.write(`        ${cmd.padEnd(w)}   # ${node}\n`);
      this.out.write(`      remove it: ${r.kept.remove} (once this run has ended)\n`);
    }
  }

  onRunEnd(s: RunSummary): void {
    const c = summaryCounts(s.results);
    const parts = [this.paint(32, `${c.matched} matched`)];
    if (c.mismatched) parts.push(this.paint(31, `${c.mismatched} mismatched`));
    if (c.errored) parts.push(this.paint(31, `${c.errored} errored`));
    if (c.interrupted) parts.push(this.paint(33, `${c.interrupted} interrupted`));
    if (c.partial) parts.push(this.paint(33, `${c.partial} partial`));
    if (s.notRun.length) parts.push(`${s.notRun.length} not run (${s.notRun.join(", ")})`);
    if (c.notApplicable) parts.push(this.paint(33, `${c.notApplicable} not applicable`));
    const table = gatewayTable(s.results);
    if (table) {
      const w = Math.max(8, ...table.rows.map((r) => r.scenario.length));
      this.out.write(`\n${"scenario".padEnd(w)}  ${table.gateways.map((g) => g.padEnd(24)).join("")}\n`);
      for (const row of table.rows)
        this.out.write(
          `${row.scenario.padEnd(w)}  ${table.gateways.map((g) => row.cells[g].padEnd(24)).join("")}\n`,
        );
    }
    this.out.write(
      `\n${s.interrupted ? "Interrupted: " : ""}${parts.join(", ")} (${formatDuration(s.wallMs)})\n`,
    );
    this.out.write(`Reports: ${s.reportDir}/index.html, report.json, junit.xml\n`);
  }
}

/**
 * junit.xml in the JUnit format CI tools read: Jenkins' junit model (its junit-4.xsd) and
 * GitLab's test report parser, both of which read a testcase's own <system-out> and <skipped>.
 * schema/junit.xsd states those constraints and the test runs xmllint against it; the test also
 * reads the file with a real consumer (Debian's python3-junitparser).
 * testsuites > testsuite > properties, testcase*, system-out. One testcase per planned scenario
 * run, finished or not, so a killed run never looks like a short passing suite; the suite's
 * `run` property says complete, interrupted or incomplete (still being written, or killed).
 */
import { hostname } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import type { Reporter } from "./reporter.js";
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { summaryCounts } from "../runner/result-types.js";
import { xmlAttr, xmlText } from "./xml-text.js";
import { writeAtomic } from "./write-atomic.js";
import { notRunXml, secs, testcaseXml } from "./junit-testcase.js";
import { projectVersion } from "./project-version.js";

/** xs:dateTime without a zone, as most JUnit readers expect. */
const stamp = (iso: string) => iso.replace(/\.\d+Z$|Z$/, "");

export type RunState = "complete" | "interrupted" | "incomplete";

export interface JUnitInput {
  results: readonly ScenarioRunResult[];
  startedAt: string;
  wallMs: number;
  /** Planned runs without a result, with the label each expected. */
  unfinished?: readonly { id: string; expected: string }[];
  state?: RunState;
  /** Prefix of the bundle folders in ATTACHMENT lines (the report folder, relative to the CI's working folder). */
  attachmentRoot?: string;
}

export function renderJUnit(s: JUnitInput, host = hostname()): string {
  const c = summaryCounts(s.results);
  const notRun = s.unfinished ?? [];
  const tests = s.results.length + notRun.length;
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  lines.push(
    `  <testsuite name="backside.scenarios" package="backside" id="0" hostname="${xmlAttr(host || "localhost")}" timestamp="${stamp(s.startedAt)}" tests="${tests}" failures="${c.mismatched}" errors="${c.errored}" skipped="${c.interrupted + c.notApplicable + notRun.length}" time="${secs(s.wallMs)}">`,
  );
  lines.push("    <properties>");
  lines.push(`      <property name="run" value="${s.state ?? "complete"}"/>`);
  lines.push(`      <property name="startedAt" value="${xmlAttr(s.startedAt)}"/>`);
  lines.push(`      <property name="version" value="${xmlAttr(projectVersion())}"/>`);
  const gateways = [...new Set(s.results.map((r) => r.gateway))].join(",");
  if (gateways) lines.push(`      <property name="gateways" value="${xmlAttr(gateways)}"/>`);
  lines.push("    </properties>");
  for (const r of s.results) lines.push(...testcaseXml(r, s.attachmentRoot ?? ""));
  for (const n of notRun) lines.push(...notRunXml(n.id, n.expected));
  const summary = `${c.matched} matched, ${c.mismatched} mismatched, ${c.errored} errored, ${c.interrupted} interrupted, ${c.notApplicable} not applicable, ${notRun.length} not run; run ${s.state ?? "complete"}`;
  lines.push(`    <system-out>${xmlText(summary)}</system-out>`);
  lines.push("  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}

/** The report folder as CI sees it: relative to the working folder when inside it. */
export function attachmentRootFor(reportDir: string, cwd = process.cwd()): string {
  const rel = relative(cwd, reportDir);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : reportDir;
}

export class JUnitReporter implements Reporter {
  readonly name = "junit";
  private start?: RunStartInfo;
  private readonly results: ScenarioRunResult[] = [];

  onRunStart(info: RunStartInfo): void {
    this.start = info;
    this.write(undefined);
  }

  onScenarioEnd(r: ScenarioRunResult): void {
    this.results.push(r);
    this.write(undefined);
  }

  onRunEnd(s: RunSummary): void {
    this.write(s);
  }

  private write(end: RunSummary | undefined): void {
    const start = this.start;
    const reportDir = end?.reportDir ?? start?.reportDir;
    if (!reportDir) return;
    const results = end?.results ?? this.results;
    const done = new Set(results.map((r) => r.id));
    const planned = start?.planned ?? [];
    const expected = new Map(planned.map((p) => [p.id, p.expected]));
    const missing = end ? end.notRun : planned.map((p) => p.id).filter((id) => !done.has(id));
    const startedAt = end?.startedAt ?? start?.startedAt ?? new Date().toISOString();
    writeAtomic(
      join(reportDir, "junit.xml"),
      renderJUnit({
        results,
        startedAt,
        wallMs: end?.wallMs ?? Date.now() - Date.parse(startedAt),
        unfinished: missing.map((id) => ({ id, expected: expected.get(id) ?? "unknown" })),
        state: !end ? "incomplete" : end.interrupted ? "interrupted" : "complete",
        attachmentRoot: attachmentRootFor(reportDir),
      }),
    );
  }
}

/**
 * junit.xml in the common JUnit schema, Apache Ant's (schema/junit.xsd states it; the test runs
 * xmllint against it): testsuites > testsuite > properties, testcase*, system-out, system-err.
 * That schema is the strictest of the common ones, so the file also suits Jenkins' laxer
 * junit-10.xsd: testsuites carries no attributes (readers sum the suites), a testsuite has name,
 * tests, failures, errors, time, timestamp (no zone), hostname, id and package, a testcase has
 * name, classname and time and at most one <failure>/<error>, and nothing else: so each case's
 * details (expected, diagnosed, evidence, partial reasons, bundle) go in the suite's
 * <system-out>, headed by the case's name, as well as in its failure or error.
 * One testcase per scenario and repeat; a mismatch is a <failure> saying expected vs diagnosed
 * with the evidence; a harness failure is an <error>.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import type { Reporter } from "./reporter.js";
import type { RunStartInfo, RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { xmlAttr, xmlText } from "./xml-text.js";
import { writeAtomic } from "./write-atomic.js";

const secs = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);
/** xs:dateTime without a zone, as the schema's ISO8601_DATETIME_PATTERN wants. */
const stamp = (iso: string) => iso.replace(/\.\d+Z$|Z$/, "");

export function renderJUnit(
  s: Pick<RunSummary, "results" | "startedAt" | "wallMs">,
  host = hostname(),
): string {
  const rs = s.results;
  const na = (r: ScenarioRunResult) => r.notApplicable !== undefined;
  const failures = rs.filter((r) => !na(r) && !r.match && !(r.error && r.diagnosed === null)).length;
  const errors = rs.filter((r) => !na(r) && !r.match && r.error && r.diagnosed === null).length;
  const skipped = rs.filter(na).length;
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push("<testsuites>");
  lines.push(
    `  <testsuite name="backside.scenarios" package="backside" id="0" hostname="${xmlAttr(host || "localhost")}" timestamp="${stamp(s.startedAt)}" tests="${rs.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(s.wallMs)}">`,
  );
  lines.push("    <properties>");
  lines.push(`      <property name="startedAt" value="${xmlAttr(s.startedAt)}"/>`);
  const gateways = [...new Set(rs.map((r) => r.gateway))].join(",");
  if (gateways) lines.push(`      <property name="gateways" value="${xmlAttr(gateways)}"/>`);
  lines.push("    </properties>");
  const out: string[] = [];
  for (const r of rs) {
    const c = testcase(r);
    lines.push(...c.xml);
    out.push(`== ${c.name} ==\n${c.body}\n`);
  }
  lines.push(`    <system-out>${xmlText(out.join("\n"))}</system-out>`, "    <system-err></system-err>");
  lines.push("  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}

function testcase(r: ScenarioRunResult): { name: string; body: string; xml: string[] } {
  const base = r.repeats > 1 ? `${r.scenario} #${r.repeat}` : r.scenario;
  const name = r.gateway === "backside" ? base : `${base} [${r.gateway}]`;
  const out = [
    `    <testcase name="${xmlAttr(name)}" classname="backside.${xmlAttr(r.expected)}" time="${secs(r.timings.total)}">`,
  ];
  const got = r.diagnosed ?? "no diagnosis";
  const evidence = r.evidence.map((e) => `- ${e.text}${e.source ? ` [${e.source}]` : ""}`).join("\n");
  const body = [
    `expected: ${r.expected}`,
    `diagnosed: ${got}${r.confidence === null ? "" : ` (confidence ${r.confidence})`}`,
    r.explanation ? `explanation: ${r.explanation}` : "",
    evidence ? `evidence:\n${evidence}` : "",
    r.partial ? `partial: ${r.partialReasons.join("; ")}` : "",
    `gateway: ${r.gateway}`,
    `bundle: ${r.bundle}`,
  ]
    .filter(Boolean)
    .join("\n");
  if (r.notApplicable !== undefined) {
    out.push(`      <skipped message="${xmlAttr(`not applicable with ${r.gateway}: ${r.notApplicable}`)}"/>`);
  } else if (!r.match && r.error && r.diagnosed === null) {
    out.push(
      `      <error message="${xmlAttr(`${r.error.code}: ${r.error.message}`)}" type="${xmlAttr(r.error.code)}">${xmlText(body)}</error>`,
    );
  } else if (!r.match) {
    out.push(
      `      <failure message="${xmlAttr(`expected ${r.expected}, diagnosed ${got}`)}" type="mismatch">${xmlText(body)}</failure>`,
    );
  }
  out.push("    </testcase>");
  return { name, body, xml: out };
}

export class JUnitReporter implements Reporter {
  readonly name = "junit";
  private start?: RunStartInfo;
  private readonly results: ScenarioRunResult[] = [];

  onRunStart(info: RunStartInfo): void {
    this.start = info;
  }

  onScenarioEnd(r: ScenarioRunResult): void {
    this.results.push(r);
    if (!this.start) return;
    const wallMs = Date.now() - Date.parse(this.start.startedAt);
    writeAtomic(
      join(this.start.reportDir, "junit.xml"),
      renderJUnit({ results: this.results, startedAt: this.start.startedAt, wallMs }),
    );
  }

  onRunEnd(s: RunSummary): void {
    writeAtomic(join(s.reportDir, "junit.xml"), renderJUnit(s));
  }
}

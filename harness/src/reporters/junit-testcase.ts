/**
 * One <testcase> of junit.xml. Its name is the bundle folder's (`net-packet-loss-2`), so a CI page
 * and the report folder say the same. Its own <system-out> holds the explanation, evidence, next
 * steps and one `[[ATTACHMENT|path]]` line per bundle file (the form GitLab and Jenkins'
 * attachments plugin link), so a case page shows only that case. A mismatch is a <failure>, a
 * harness failure an <error>, an interrupted, never-started or not-applicable run <skipped>.
 */
import type { ScenarioRunResult } from "../runner/result-types.js";
import { resultStatus } from "../runner/result-types.js";
import { xmlAttr, xmlText } from "./xml-text.js";

export const secs = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** Every file of the bundle, relative to the bundle folder. */
export function bundleFiles(r: ScenarioRunResult): string[] {
  return [
    ...r.artifacts.pcaps,
    ...(r.artifacts.gatewayLog ? [r.artifacts.gatewayLog] : []),
    ...(r.artifacts.errorReport ? [r.artifacts.errorReport] : []),
    ...r.artifacts.other,
  ];
}

/** The case's text: what was expected and found, why, and where the files are. */
export function caseText(r: ScenarioRunResult, attachmentRoot: string): string {
  const got = r.interrupted
    ? "none (interrupted before its steps finished)"
    : `${r.diagnosed ?? "no diagnosis"}${r.confidence === null ? "" : ` (confidence ${r.confidence})`}`;
  const lines = [`expected: ${r.expected}`, `diagnosed: ${got}`];
  if (r.explanation) lines.push(`explanation: ${r.explanation}`);
  if (r.evidence.length)
    lines.push("evidence:", ...r.evidence.map((e) => `- ${e.text}${e.source ? ` [${e.source}]` : ""}`));
  if (r.nextSteps.length) lines.push("next steps:", ...r.nextSteps.map((s, i) => `${i + 1}. ${s}`));
  if (r.partial) lines.push(`partial: ${r.partialReasons.join("; ")}`);
  if (r.error) lines.push(`harness error: ${r.error.code}: ${r.error.message}`);
  lines.push(`gateway: ${r.gateway}`);
  lines.push(`bundle: ${r.bundle}`);
  const prefix = attachmentRoot ? `${attachmentRoot.replace(/\/+$/, "")}/` : "";
  for (const f of bundleFiles(r)) lines.push(`[[ATTACHMENT|${prefix}${r.bundle}/${f}]]`);
  return lines.join("\n");
}

export function testcaseXml(r: ScenarioRunResult, attachmentRoot: string): string[] {
  const out = [
    `    <testcase name="${xmlAttr(r.id)}" classname="backside.${xmlAttr(r.expected)}" time="${secs(r.timings.total)}">`,
  ];
  const got = r.diagnosed ?? "no diagnosis";
  const status = resultStatus(r);
  if (status === "not-applicable")
    out.push(`      <skipped>${xmlText(`not applicable with ${r.gateway}: ${r.notApplicable}`)}</skipped>`);
  else if (status === "interrupted")
    out.push(`      <skipped>${xmlText("interrupted before its steps finished")}</skipped>`);
  else if (status === "errored")
    out.push(
      `      <error message="${xmlAttr(`${r.error!.code}: ${r.error!.message}`)}" type="${xmlAttr(r.error!.code)}">${xmlText(r.error!.message)}</error>`,
    );
  else if (status === "mismatched")
    out.push(
      `      <failure message="${xmlAttr(`expected ${r.expected}, diagnosed ${got}`)}" type="mismatch">${xmlText(r.explanation)}</failure>`,
    );
  out.push(`      <system-out>${xmlText(caseText(r, attachmentRoot))}</system-out>`);
  out.push("    </testcase>");
  return out;
}

/** A planned run with no result: the process ended (Ctrl-C, kill) before it finished. */
export function notRunXml(id: string, expected: string): string[] {
  return [
    `    <testcase name="${xmlAttr(id)}" classname="backside.${xmlAttr(expected)}" time="0.000">`,
    `      <skipped>${xmlText("not run: the run ended before this scenario finished")}</skipped>`,
    "    </testcase>",
  ];
}

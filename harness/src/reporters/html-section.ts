/**
 * One scenario's detail block: verdict, explanation, evidence, next steps, the ladder of the
 * failing connection drawn from the bundle's capture, the key gateway log lines, and relative
 * links to the bundle's files. Reads only the bundle.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FlowSummary } from "../flows/types.js";
import type { ArtifactKind, ScenarioRunResult } from "../runner/result-types.js";
import { oneLine } from "../errors.js";
import { htmlEscape as h, hrefFor } from "./html-escape.js";
import { keyLogLines } from "./key-log-lines.js";
import { ladderFor } from "./ladder.js";
import { renderLadderSvg } from "./ladder-svg.js";

export type AnalyzeFn = (pcapPaths: string[]) => Promise<FlowSummary>;

/** The capture seen from the gateway's side is the one the ladder is drawn from when present. */
export function ladderCapture(pcaps: readonly string[]): string | undefined {
  return (
    pcaps.find((p) => /(^|\/)gateway-mid\.pcap$/.test(p)) ?? pcaps.find((p) => /gateway/.test(p)) ?? pcaps[0]
  );
}

export async function renderSection(
  r: ScenarioRunResult,
  reportDir: string,
  analyze: AnalyzeFn | undefined,
): Promise<string> {
  const bundleDir = join(reportDir, r.bundle);
  const link = (f: string) => `<a href="${hrefFor(`${r.bundle}/${f}`)}">${h(f)}</a>`;
  const out: string[] = [`<section class="scenario" id="s-${h(r.id)}">`];
  out.push(`<h3>${h(r.id)} <span class="${r.match ? "ok" : "bad"}">${r.match ? "✓" : "✘"}</span></h3>`);
  out.push(`<p>${h(r.description)}</p>`);
  out.push(
    `<p>Expected <b>${h(r.expected)}</b>, diagnosed <b>${h(r.diagnosed ?? "none")}</b>${r.confidence === null ? "" : ` (confidence ${h(r.confidence)})`}.</p>`,
  );
  if (r.error) out.push(`<p class="bad">Harness error ${h(r.error.code)}: ${h(r.error.message)}</p>`);
  if (r.partial) out.push(`<p class="partial">Partial: ${h(r.partialReasons.join("; "))}</p>`);
  if (r.explanation) out.push(`<p>${h(r.explanation)}</p>`);
  if (r.evidence.length)
    out.push(
      `<h4>Evidence</h4><ul>${r.evidence.map((e) => `<li>${h(e.text)}${e.source ? ` <small>[${h(e.source)}]</small>` : ""}</li>`).join("")}</ul>`,
    );
  if (r.nextSteps.length)
    out.push(`<h4>Next steps</h4><ul>${r.nextSteps.map((s) => `<li>${h(s)}</li>`).join("")}</ul>`);
  out.push(aloneBlock(r));
  if (r.requests.length)
    out.push(
      `<p>Client requests through the gateway: ${r.requests.map((q) => h(`${q.status || "no answer"}${q.exitCode ? ` (curl ${q.exitCode})` : ""} in ${q.seconds.toFixed(2)} s`)).join(", ")}</p>`,
    );
  out.push(await ladderBlock(r, bundleDir, analyze));
  const logFile = r.artifacts.gatewayLog;
  if (logFile && existsSync(join(bundleDir, logFile))) {
    const lines = keyLogLines(readFileSync(join(bundleDir, logFile), "utf8"));
    out.push(
      `<h4>Key log lines</h4><pre class="log">${lines.length ? lines.map(h).join("\n") : "(none at warn or in dns/network/ssl)"}</pre>`,
    );
  }
  const timings = r.timings;
  out.push(
    `<p><small>bring-up ${h(timings.bringUp)} ms · fault+wait ${h(timings.faultWait)} ms · collect ${h(timings.collect)} ms · diagnose ${h(timings.diagnose)} ms · teardown ${h(timings.teardown)} ms</small></p>`,
  );
  const files = [
    ...r.artifacts.pcaps,
    ...(r.artifacts.gatewayLog ? [r.artifacts.gatewayLog] : []),
    ...(r.artifacts.errorReport ? [r.artifacts.errorReport] : []),
    ...r.artifacts.other,
  ];
  if (files.length)
    out.push(`<h4>Bundle</h4><ul class="files">${files.map((f) => `<li>${link(f)}</li>`).join("")}</ul>`);
  out.push("</section>");
  return out.join("\n");
}

const ALONE: [ArtifactKind, string][] = [
  ["captures", "the captures"],
  ["log", "the gateway log"],
  ["report", "the error report"],
];

/** What each kind of artifact says on its own: which evidence names the cause without the rest. */
function aloneBlock(r: ScenarioRunResult): string {
  const rows = ALONE.filter(([k]) => r.byArtifact?.[k]).map(([k, label]) => {
    const v = r.byArtifact![k]!;
    const ok = v.cause === r.expected;
    return `<tr><td>${h(label)}</td><td>${h(v.cause)}</td><td>${h(v.confidence)}</td><td class="${ok ? "ok" : "bad"}">${ok ? "✓" : "✘"}</td></tr>`;
  });
  if (!rows.length) return "";
  return `<h4>Each artifact alone</h4><table class="alone"><thead><tr><th>from</th><th>diagnosed</th><th>confidence</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

async function ladderBlock(
  r: ScenarioRunResult,
  bundleDir: string,
  analyze: AnalyzeFn | undefined,
): Promise<string> {
  const pcap = ladderCapture(r.artifacts.pcaps);
  if (!pcap) return "<p><i>No capture in the bundle: no ladder diagram.</i></p>";
  if (!analyze) return "<p><i>Capture analysis unavailable: no ladder diagram.</i></p>";
  try {
    const summary = await analyze([join(bundleDir, pcap)]);
    const ladder = ladderFor(summary);
    if (!ladder) return `<p><i>No TCP connection or DNS exchange in ${h(pcap)}.</i></p>`;
    return `<h4>Ladder: ${h(ladder.title)} <small>(from ${h(pcap)})</small></h4>${renderLadderSvg(ladder)}`;
  } catch (e) {
    return `<p class="partial">Could not draw the ladder from ${h(pcap)}: ${h(oneLine(e))}</p>`;
  }
}

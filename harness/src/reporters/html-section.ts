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
import { roleRanks } from "../engine/path-order.js";
import { renderLadders } from "./ladder-block.js";
import { runClasses } from "./html-filters.js";
import { needsLook } from "./report-order.js";
import { statusText } from "./status-text.js";

export type AnalyzeFn = (pcapPaths: string[]) => Promise<FlowSummary>;

export async function renderSection(
  r: ScenarioRunResult,
  reportDir: string,
  analyze: AnalyzeFn | undefined,
): Promise<string> {
  const bundleDir = join(reportDir, r.bundle);
  const link = (f: string) => `<a href="${hrefFor(`${r.bundle}/${f}`)}">${h(f)}</a>`;
  const mark = r.match
    ? '<span class="ok">✓</span>'
    : r.interrupted
      ? '<span class="partial">…</span>'
      : '<span class="bad">✘</span>';
  const out: string[] = [
    `<details class="${runClasses(r)}" id="s-${h(r.id)}"${needsLook(r) ? " open" : ""}>`,
    `<summary>${mark} ${h(r.id)} <small>${h(statusText(r))}: expected ${h(r.expected)}, diagnosed ${h(r.interrupted ? "—" : (r.diagnosed ?? "none"))}</small></summary>`,
  ];
  out.push(`<p>${h(r.description)}</p>`);
  out.push(
    `<p>Gateway: ${h(r.gateway ?? "stand-in")}${r.tags.length ? ` · tags: ${h(r.tags.join(", "))}` : ""}</p>`,
  );
  out.push(
    r.interrupted
      ? `<p class="partial">Interrupted before its steps finished: no diagnosis is claimed.</p>`
      : `<p>Expected <b>${h(r.expected)}</b>, diagnosed <b>${h(r.diagnosed ?? "none")}</b>${r.confidence === null ? "" : ` (confidence ${h(r.confidence)})`}.</p>`,
  );
  if (r.error) out.push(`<p class="bad">Harness error ${h(r.error.code)}: ${h(r.error.message)}</p>`);
  if (r.partial) out.push(`<p class="partial">Partial: ${h(r.partialReasons.join("; "))}</p>`);
  if (r.explanation) out.push(`<p>${h(r.explanation)}</p>`);
  if (r.evidence.length)
    out.push(
      `<h4>Evidence</h4><ul>${r.evidence.map((e) => `<li>${h(e.text)}${e.source ? ` <small>[${h(e.source)}]</small>` : ""}</li>`).join("")}</ul>`,
    );
  if (r.nextSteps.length)
    out.push(`<h4>Next steps</h4><ol>${r.nextSteps.map((s) => `<li>${h(s)}</li>`).join("")}</ol>`);
  if (r.alternatives.length)
    out.push(
      `<h4>Also possible</h4><ul class="alternatives">${r.alternatives.map((a) => `<li><b>${h(a.cause)}</b>: ${h(a.why)}</li>`).join("")}</ul>`,
    );
  out.push(pointsBlock(r));
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
  out.push("</details>");
  return out.join("\n");
}

/** The capture points in path order and what each saw: where the packets of the failing connection died. */
function pointsBlock(r: ScenarioRunResult): string {
  if (!r.capturePoints.length) return "";
  const yes = (b: boolean) => (b ? "yes" : "no");
  const rows = r.capturePoints.map(
    (p, i) =>
      `<tr><td>${i + 1}</td><td>${h(p.source)}</td><td>${yes(p.sawSyn)}</td><td>${p.synTtl === null ? "" : h(p.synTtl)}</td><td>${yes(p.sawAnswer)}</td></tr>`,
  );
  return `<h4>Capture points <small>(along the path, closest to the gateway first)</small></h4><table class="points"><thead><tr><th>#</th><th>capture</th><th>SYN seen</th><th>TTL</th><th>answer seen</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
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
  if (!r.artifacts.pcaps.length) return "<p><i>No capture in the bundle: no ladder diagram.</i></p>";
  if (!analyze) return "<p><i>Capture analysis unavailable: no ladder diagram.</i></p>";
  const order = pathOrder(r);
  try {
    const points = [];
    for (const source of order) points.push({ source, summary: await analyze([join(bundleDir, source)]) });
    const logFile = r.artifacts.gatewayLog && join(bundleDir, r.artifacts.gatewayLog);
    const log = logFile && existsSync(logFile) ? readFileSync(logFile, "utf8") : undefined;
    return renderLadders(points, log, `${r.bundle}/`, r.capturePoints);
  } catch (e) {
    return `<p class="partial">Could not draw the ladder from ${h(order.join(", "))}: ${h(oneLine(e))}</p>`;
  }
}

/** The bundle's captures in the engine's path order; by their names when the engine gave none. */
function pathOrder(r: ScenarioRunResult): string[] {
  const given = r.capturePoints.map((p) => p.source).filter((s) => r.artifacts.pcaps.includes(s));
  if (given.length === r.artifacts.pcaps.length) return given;
  const ranks = roleRanks(r.artifacts.pcaps);
  return [...r.artifacts.pcaps].sort((a, b) => ranks.get(a)! - ranks.get(b)!);
}

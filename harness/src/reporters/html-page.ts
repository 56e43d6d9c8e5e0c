/**
 * The self-contained report page: inline CSS, inline SVG, no scripts, no external assets.
 * Every value that comes from a run or an artifact is passed through htmlEscape here or in the
 * section renderer.
 */
import type { RunSummary } from "../runner/result-types.js";
import { summaryCounts } from "../runner/result-types.js";
import { confusionMatrix } from "./confusion-matrix.js";
import { formatDuration } from "./format-duration.js";
import { htmlEscape as h } from "./html-escape.js";
import { gatewayTable } from "./gateway-table.js";

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}
table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.ok{color:#1a7f37}.bad{color:#cf222e}.partial{color:#9a6700}
.matrix td{text-align:center;min-width:2.5em}.matrix td.diag{background:#dafbe1}.matrix td.off{background:#ffebe9}
section.scenario{border-top:2px solid #d0d7de;margin-top:24px;padding-top:8px}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap;font-size:12px}
.ladder{background:#fff;border:1px solid #d0d7de;margin:4px 0}`;

export function renderPage(s: RunSummary, sections: ReadonlyMap<string, string>, complete: boolean): string {
  const c = summaryCounts(s.results);
  const out: string[] = [];
  out.push("<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">');
  out.push(
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
  );
  out.push(`<title>backside report ${h(s.startedAt)}</title><style>${CSS}</style></head><body>`);
  out.push(`<h1>backside report</h1>`);
  out.push(
    `<p id="summary">Started ${h(s.startedAt)}; ${s.results.length} run(s): <span class="ok">${c.matched} matched</span>, <span class="bad">${c.mismatched} mismatched</span>, ${c.errored} errored, <span class="partial">${c.partial} partial</span>, ${c.notApplicable} not applicable; wall time ${h(formatDuration(s.wallMs))}.${complete ? "" : ' <strong class="partial">Incomplete: the run was interrupted or is still going.</strong>'}</p>`,
  );
  if (s.notRun.length) out.push(`<p>Not run: ${s.notRun.map(h).join(", ")}</p>`);
  out.push(
    '<h2>Scenarios</h2><table id="scenarios"><thead><tr><th>scenario</th><th>gateway</th><th>expected</th><th>diagnosed</th><th>confidence</th><th>result</th><th>time</th></tr></thead><tbody>',
  );
  for (const r of s.results) {
    const na = r.notApplicable !== undefined;
    const cls = na ? "partial" : r.match ? "ok" : "bad";
    const res = na
      ? `not applicable: ${r.notApplicable}`
      : `${r.match ? "match" : r.error && r.diagnosed === null ? `error ${r.error.code}` : "mismatch"}${r.partial ? " (partial)" : ""}`;
    out.push(
      `<tr class="${cls}"><td><a href="#s-${h(r.id)}">${h(r.id)}</a></td><td>${h(r.gateway)}</td><td>${h(r.expected)}</td><td>${h(r.diagnosed ?? "none")}</td><td>${r.confidence === null ? "" : h(r.confidence)}</td><td class="${cls}">${h(res)}</td><td>${h(formatDuration(r.timings.total))}</td></tr>`,
    );
  }
  out.push("</tbody></table>");
  out.push(renderGatewayTable(s));
  out.push(renderMatrix(s));
  out.push("<h2>Details</h2>");
  for (const r of s.results)
    out.push(
      sections.get(r.id) ?? `<section class="scenario" id="s-${h(r.id)}"><h3>${h(r.id)}</h3></section>`,
    );
  out.push("</body></html>", "");
  return out.join("\n");
}

function renderGatewayTable(s: RunSummary): string {
  const t = gatewayTable(s.results);
  if (!t) return "";
  const out = [
    '<h2>Scenario × gateway</h2><table id="gateways"><thead><tr><th>scenario</th><th>expected</th>',
  ];
  for (const g of t.gateways) out.push(`<th>${h(g)}</th>`);
  out.push("</tr></thead><tbody>");
  for (const row of t.rows) {
    out.push(`<tr><td>${h(row.scenario)}</td><td>${h(row.expected)}</td>`);
    for (const g of t.gateways) {
      const v = row.cells[g];
      const cls = v.startsWith("✓") ? "ok" : v.startsWith("✘") ? "bad" : "partial";
      out.push(`<td class="${cls}">${h(v)}</td>`);
    }
    out.push("</tr>");
  }
  out.push("</tbody></table>");
  return out.join("");
}

function renderMatrix(s: RunSummary): string {
  const m = confusionMatrix(s.results);
  if (!m.rows.length) return "";
  const out = [
    '<h2>Confusion matrix</h2><table class="matrix" id="confusion"><thead><tr><th>expected ↓ / diagnosed →</th>',
  ];
  for (const col of m.cols) out.push(`<th>${h(col)}</th>`);
  out.push("</tr></thead><tbody>");
  for (const row of m.rows) {
    out.push(`<tr><th>${h(row)}</th>`);
    for (const col of m.cols) {
      const n = m.counts[row]?.[col] ?? 0;
      const cls = n === 0 ? "" : row === col ? "diag" : "off";
      out.push(`<td class="${cls}">${n || ""}</td>`);
    }
    out.push("</tr>");
  }
  out.push("</tbody></table>");
  return out.join("");
}

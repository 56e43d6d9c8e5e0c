/**
 * The self-contained report page: inline CSS, inline SVG, no scripts, no external assets.
 * What needs a look comes first (report-order.ts) and passing runs are collapsed; filters by
 * status and tag work without scripts (html-filters.ts). Every value that comes from a run or an
 * artifact is passed through htmlEscape here or in the section renderer.
 */
import type { RunSummary, ScenarioRunResult } from "../runner/result-types.js";
import { summaryCounts } from "../runner/result-types.js";
import { formatDuration } from "./format-duration.js";
import { htmlEscape as h } from "./html-escape.js";
import { renderFilters, runClasses } from "./html-filters.js";
import { MATRIX_CSS, renderMatrix } from "./html-matrix.js";
import { reportOrder } from "./report-order.js";
import { projectVersion } from "./project-version.js";
import { statusText } from "./status-text.js";
import { gatewayTable } from "./gateway-table.js";

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328;max-width:1352px}
table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.ok{color:#1a7f37}.bad{color:#cf222e}.partial{color:#9a6700}
details.run{border-top:2px solid #d0d7de;margin-top:12px;padding-top:4px}details.run>summary{cursor:pointer;font-weight:600;font-size:15px}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap;font-size:12px}
.ladder-box{max-width:100%;overflow-x:auto}.ladder{background:#fff;border:1px solid #d0d7de;margin:4px 0}
nav.filters{margin:8px 0 16px}nav.filters span{margin:0 6px 0 12px;color:#57606a}
nav.filters label{display:inline-block;border:1px solid #d0d7de;border-radius:12px;padding:1px 10px;margin:2px;cursor:pointer}`;

function row(r: ScenarioRunResult): string {
  const na = r.notApplicable !== undefined;
  const cls = r.match ? "ok" : r.interrupted || na ? "partial" : "bad";
  const got = r.interrupted || na ? "—" : (r.diagnosed ?? "none");
  return `<tr class="${runClasses(r)}"><td><a href="#s-${h(r.id)}">${h(r.id)}</a></td><td>${h(r.gateway)}</td><td>${h(r.expected)}</td><td>${h(got)}</td><td>${r.confidence === null ? "" : h(r.confidence)}</td><td class="${cls}">${h(statusText(r))}</td><td>${h(r.tags.join(", "))}</td><td>${h(formatDuration(r.timings.total))}</td></tr>`;
}

export function renderPage(s: RunSummary, sections: ReadonlyMap<string, string>, complete: boolean): string {
  const c = summaryCounts(s.results);
  const ordered = reportOrder(s.results);
  const f = renderFilters(s.results);
  const out: string[] = [];
  out.push("<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">');
  out.push(
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
  );
  out.push(
    `<title>backside report ${h(s.startedAt)}</title><style>${CSS}\n${MATRIX_CSS}\n${f.css}</style></head><body>`,
  );
  out.push(`<h1>backside report</h1>`);
  out.push(
    `<p id="summary">backside ${h(projectVersion())}. Started ${h(s.startedAt)}; ${s.results.length} run(s): <span class="ok">${c.matched} matched</span>, <span class="bad">${c.mismatched} mismatched</span>, ${c.errored} errored, <span class="partial">${c.interrupted} interrupted</span>, <span class="partial">${c.partial} partial</span>, ${c.notApplicable} not applicable; wall time ${h(formatDuration(s.wallMs))}.${complete ? "" : ' <strong class="partial">Incomplete: the run was interrupted or is still going.</strong>'}</p>`,
  );
  if (s.notRun.length) out.push(`<p id="not-run">Not run: ${s.notRun.map(h).join(", ")}</p>`);
  out.push(f.inputs, f.nav, '<div class="runs">');
  out.push(
    '<h2>Scenarios</h2><table id="scenarios"><thead><tr><th>scenario</th><th>gateway</th><th>expected</th><th>diagnosed</th><th>confidence</th><th>result</th><th>tags</th><th>time</th></tr></thead><tbody>',
  );
  for (const r of ordered) out.push(row(r));
  out.push("</tbody></table>");
  out.push(renderGatewayTable(s));
  out.push(renderMatrix(s.results));
  out.push("<h2>Details</h2>");
  for (const r of ordered)
    out.push(
      sections.get(r.id) ??
        `<details class="${runClasses(r)}" id="s-${h(r.id)}"><summary>${h(r.id)}</summary></details>`,
    );
  out.push("</div>");
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

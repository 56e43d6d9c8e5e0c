/**
 * The confusion matrix as a table that fits a 1400 px window with every label: column heads are
 * set vertically and cells are narrow, and the table scrolls inside its own box if it still
 * does not fit (never the page).
 */
import type { ScenarioRunResult } from "../runner/result-types.js";
import { confusionMatrix } from "./confusion-matrix.js";
import { htmlEscape as h } from "./html-escape.js";

export const MATRIX_CSS = `.matrix-box{max-width:100%;overflow-x:auto}
.matrix{table-layout:fixed}.matrix td{text-align:center;width:2.2em;padding:2px}
.matrix thead th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;padding:6px 2px;width:2.2em;font-weight:normal}
.matrix tbody th{white-space:nowrap;font-weight:normal}
.matrix td.diag{background:#dafbe1}.matrix td.off{background:#ffebe9}`;

export function renderMatrix(results: readonly ScenarioRunResult[]): string {
  const m = confusionMatrix(results);
  if (!m.rows.length) return "";
  const out = [
    '<h2>Confusion matrix</h2><div class="matrix-box"><table class="matrix" id="confusion"><thead><tr><th>expected ↓ / diagnosed →</th>',
  ];
  for (const col of m.cols) out.push(`<th class="col" title="${h(col)}">${h(col)}</th>`);
  out.push("</tr></thead><tbody>");
  for (const row of m.rows) {
    out.push(`<tr><th>${h(row)}</th>`);
    for (const col of m.cols) {
      const n = m.counts[row]?.[col] ?? 0;
      const cls = n === 0 ? "" : row === col ? "diag" : "off";
      out.push(`<td class="${cls}" title="${h(`${row} → ${col}`)}">${n || ""}</td>`);
    }
    out.push("</tr>");
  }
  out.push("</tbody></table></div>");
  return out.join("");
}

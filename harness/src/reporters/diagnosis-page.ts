/**
 * `diagnose --format html`: one self-contained page for artifacts from anywhere (no run, no
 * scenario): the verdict, explanation, grouped evidence, next steps, the other labels weighed,
 * the capture points in path order and the path ladder. Same CSP and escaping as the report.
 */
import type { Diagnosis } from "../engine/types.js";
import type { LadderPoint } from "./path-ladder.js";
import { htmlEscape as h } from "./html-escape.js";
import { renderLadders } from "./ladder-block.js";
import { projectVersion } from "./project-version.js";

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328;max-width:1352px}
table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.ok{color:#1a7f37}.bad{color:#cf222e}.ladder-box{max-width:100%;overflow-x:auto}
.ladder{background:#fff;border:1px solid #d0d7de;margin:4px 0}small{color:#57606a}`;

export async function renderDiagnosisPage(
  d: Diagnosis,
  points: readonly LadderPoint[],
  logText: string | undefined,
): Promise<string> {
  const list = (xs: string[], tag = "ul") => `<${tag}>${xs.map((x) => `<li>${x}</li>`).join("")}</${tag}>`;
  const out = [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
    `<title>backside diagnosis: ${h(d.cause)}</title><style>${CSS}</style></head><body>`,
    `<h1>${h(d.title)}</h1>`,
    `<p>Cause <b>${h(d.cause)}</b>, confidence ${h(d.confidence)}${d.partial ? ' <b class="bad">(partial: some input was incomplete)</b>' : ""}. <small>backside ${h(projectVersion())}</small></p>`,
    `<p>${h(d.explanation)}</p>`,
  ];
  if (d.evidence.length)
    out.push(
      "<h2>Evidence</h2>",
      list(
        d.evidence.map(
          (e) =>
            `${h(e.statement)} <small>[${(e.places ?? [e]).map((p) => h(`${p.source}${p.packets?.length ? ` #${p.packets.join(",")}` : ""}${p.lines?.length ? ` line ${p.lines.join(",")}` : ""}${p.part ? ` ${p.part}` : ""}`)).join("; ")}]</small>`,
        ),
      ),
    );
  out.push("<h2>Next steps</h2>", list(d.nextSteps.map(h), "ol"));
  if (d.alternatives?.length)
    out.push("<h2>Also possible</h2>", list(d.alternatives.map((a) => `<b>${h(a.cause)}</b>: ${h(a.why)}`)));
  if (d.capturePoints) {
    const rows = d.capturePoints.order.map(
      (p, i) =>
        `<tr><td>${i + 1}</td><td>${h(p.source)}</td><td>${p.sawSyn ? "yes" : "no"}</td><td>${p.synTtl ?? ""}</td><td>${p.sawAnswer ? "yes" : "no"}</td></tr>`,
    );
    out.push(
      `<h2>Capture points <small>(along the path)</small></h2><p>${h(d.capturePoints.statement)}</p><table class="points"><thead><tr><th>#</th><th>capture</th><th>SYN seen</th><th>TTL</th><th>answer seen</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
    );
  }
  if (points.length) out.push(await renderLadders(points, logText, "", d.capturePoints?.order));
  if (d.problems.length) out.push("<h2>Problems with the input</h2>", list(d.problems.map(h)));
  out.push("</body></html>", "");
  return out.join("\n");
}

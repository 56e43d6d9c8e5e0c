/**
 * The trainer's page: every learner's grade on one self-contained HTML page, a row per learner,
 * a column per case (the truth in the header), then per stage and in total. Learner names and
 * answers come from files people wrote: all escaped.
 */
import { CAUSE_TITLES } from "../taxonomy.js";
import { htmlEscape as h } from "../reporters/html-escape.js";
import type { LabKey } from "./lab-key.js";
import type { Grade } from "./grade.js";
import { PAGE_STYLE } from "./page-style.js";

export interface LearnerGrade {
  /** The learner's name, else the answers file's name. */
  who: string;
  grade: Grade;
}

export function gradesPage(key: LabKey, learners: readonly LearnerGrade[]): string {
  const head = key.cases
    .map((c) => `<th title="${h(CAUSE_TITLES[c.label])}">${h(c.case)}<br><small>${h(c.label)}</small></th>`)
    .join("");
  const stageHead = key.stages.map((s) => `<th>${h(s)}</th>`).join("");
  const rows = learners.map(({ who, grade }) => {
    const cells = grade.cases
      .map(
        (c) =>
          `<td class="${c.right ? "ok" : "bad"}" title="${h(c.answer ?? "no answer")}">${c.right ? "✓" : "✘"} <small>${h(c.answer ?? "-")}</small></td>`,
      )
      .join("");
    const stages = (grade.stages ?? []).map((s) => `<td>${s.score}/${s.total}</td>`).join("");
    return `<tr><th>${h(who)}</th>${cells}${stages}<td class="score">${grade.score}/${grade.total}</td></tr>`;
  });
  const right = key.cases.map(
    (c, i) => `<td>${learners.filter((l) => l.grade.cases[i]?.right).length}/${learners.length}</td>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lab grades</title>
<style>${PAGE_STYLE}</style></head>
<body>
<h1>Lab grades</h1>
<p>${learners.length} learner(s), ${key.cases.length} case(s), lab made ${h(key.createdAt)} (seed ${key.seed}).</p>
<table id="grades"><thead><tr><th>learner</th>${head}${stageHead}<th>score</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
<tfoot><tr><th>right</th>${right.join("")}${key.stages.map(() => "<td></td>").join("")}<td></td></tr></tfoot>
</table>
</body></html>
`;
}

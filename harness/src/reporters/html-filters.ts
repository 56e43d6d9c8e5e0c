/**
 * Status and tag filters that work without scripts (the page's CSP is default-src 'none'): one
 * radio group per filter, placed before the filtered content, and CSS rules `:checked ~` that
 * hide what does not match. Tags come from scenario files, so they become class names only
 * through `tagClass` (letters, digits and dashes) and are shown escaped.
 */
import type { ScenarioRunResult } from "../runner/result-types.js";
import { resultStatus } from "../runner/result-types.js";
import { htmlEscape as h } from "./html-escape.js";
import { needsLook } from "./report-order.js";

const STATUSES = [
  ["all", "all"],
  ["look", "needs a look"],
  ["mismatched", "mismatched"],
  ["errored", "errored"],
  ["interrupted", "interrupted"],
  ["not-applicable", "not applicable"],
  ["partial", "partial"],
  ["matched", "matched"],
] as const;

export function tagClass(tag: string): string {
  return `t-${tag.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;
}

/** Classes of one run's row and section, which the filters select on. */
export function runClasses(r: ScenarioRunResult): string {
  return [
    "run",
    `s-${resultStatus(r)}`,
    ...(r.partial ? ["s-partial"] : []),
    ...(needsLook(r) ? ["s-look"] : []),
    ...r.tags.map(tagClass),
  ].join(" ");
}

export interface Filters {
  /** Radio inputs: siblings before the `.runs` container. */
  inputs: string;
  /** The visible chooser (labels). */
  nav: string;
  css: string;
}

export function renderFilters(results: readonly ScenarioRunResult[]): Filters {
  const tags = [...new Map(results.flatMap((r) => r.tags).map((t) => [tagClass(t), t])).entries()].sort();
  const look = results.some(needsLook);
  const inputs: string[] = [];
  const css: string[] = [".filter{position:absolute;opacity:0;pointer-events:none}"];
  const radio = (group: string, id: string, checked: boolean) =>
    inputs.push(`<input type="radio" class="filter" name="${group}" id="${id}"${checked ? " checked" : ""}>`);
  const chosen = (id: string) => `#${id}:checked~nav label[for="${id}"]{background:#0969da;color:#fff}`;
  for (const [k] of STATUSES) {
    radio("status", `f-s-${k}`, k === (look ? "look" : "all"));
    css.push(chosen(`f-s-${k}`));
    if (k !== "all") css.push(`#f-s-${k}:checked~.runs .run:not(.s-${k}){display:none}`);
  }
  radio("tag", "f-t-all", true);
  css.push(chosen("f-t-all"));
  for (const [cls] of tags) {
    radio("tag", `f-${cls}`, false);
    css.push(chosen(`f-${cls}`), `#f-${cls}:checked~.runs .run:not(.${cls}){display:none}`);
  }
  const label = (id: string, text: string) => `<label for="${id}">${h(text)}</label>`;
  const nav = [
    '<nav class="filters"><span>Show:</span>',
    ...STATUSES.map(([k, text]) => label(`f-s-${k}`, text)),
    "<span>Tag:</span>",
    label("f-t-all", "any"),
    ...tags.map(([cls, t]) => label(`f-${cls}`, t)),
    "</nav>",
  ].join("");
  return { inputs: inputs.join(""), nav, css: css.join("\n") };
}

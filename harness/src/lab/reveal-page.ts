/**
 * The reveal of one case: the true cause and scenario, what the engine read from the case's own
 * files (evidence with packet numbers), the path ladder of the failing exchange across the case's
 * captures (the same as the report's), what each artifact alone said, the injected fault and the appliance commands
 * that would have shown it. One self-contained HTML page and the same as text. Every string that
 * comes from a run goes through htmlEscape.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CAUSE_TITLES } from "../taxonomy.js";
import { oneLine } from "../errors.js";
import { htmlEscape as h } from "../reporters/html-escape.js";
import { renderLadders } from "../reporters/ladder-block.js";
import { roleRanks } from "../engine/path-order.js";
import type { FlowSummary } from "../flows/types.js";
import type { KeyCase, StageKind } from "./lab-key.js";
import { REVEALING_COMMANDS } from "./revealing-commands.js";
import { findCaseFiles } from "./case-folder.js";
import { PAGE_STYLE } from "./page-style.js";

export type AnalyzeFn = (pcapPaths: string[]) => Promise<FlowSummary>;

export interface Reveal {
  case: KeyCase;
  /** The learner's last answer for the case, when there is one. */
  answer?: string;
  /** The ladder block (ladder-block.ts) and the captures it was drawn from. */
  ladder: { html: string; from: string[] } | { missing: string };
  /** The firewall's fault table as the run left it, when the run had one. */
  faultRules?: string;
}

const KIND_NAMES: Record<StageKind, string> = {
  log: "the gateway log",
  report: "the error report",
  capture: "the captures",
};

/** The `table ... backside_faults { ... }` block of an `nft list ruleset` dump. */
export function faultTable(ruleset: string): string | undefined {
  const m = /^table \S+ backside_faults \{[\s\S]*?^\}/m.exec(ruleset);
  // An empty fault table (chains, no rule) says nothing worth showing.
  return m && /comment "backside:/.test(m[0]) ? m[0] : undefined;
}

export async function buildReveal(
  c: KeyCase,
  caseDir: string,
  analyze: AnalyzeFn,
  answer?: string,
): Promise<Reveal> {
  const pcaps = findCaseFiles(caseDir).captures;
  let ladder: Reveal["ladder"] = { missing: "no capture in the case" };
  if (pcaps.length) {
    // Path order from the captures' names (gateway, middle box, backend), as the report falls back to.
    const names = pcaps.map((p) => p.slice(caseDir.length + 1));
    const ranks = roleRanks(names);
    const order = names.map((n, i) => ({ n, p: pcaps[i] })).sort((a, b) => ranks.get(a.n)! - ranks.get(b.n)!);
    try {
      const points = [];
      for (const { n, p } of order) points.push({ source: n, summary: await analyze([p]) });
      const files = findCaseFiles(caseDir);
      const log = files.log ? readFileSync(files.log, "utf8") : undefined;
      ladder = { html: await renderLadders(points, log), from: order.map((o) => o.n) };
    } catch (e) {
      ladder = { missing: `could not read ${names.join(", ")}: ${oneLine(e)}` };
    }
  }
  const rules = join(c.bundle, "firewall-ruleset.txt");
  const faultRules = existsSync(rules) ? faultTable(readFileSync(rules, "utf8")) : undefined;
  return { case: c, ...(answer ? { answer } : {}), ladder, ...(faultRules ? { faultRules } : {}) };
}

export function revealText(r: Reveal): string {
  const c = r.case;
  const lines = [
    `${c.case}: ${c.label} (${CAUSE_TITLES[c.label]})`,
    ...(r.answer ? [`your answer: ${r.answer} (${r.answer === c.label ? "right" : "wrong"})`] : []),
    `scenario ${c.scenario}: ${c.description}`,
    "",
    `engine: ${c.engine.cause} (${c.engine.confidence}): ${c.engine.explanation}`,
    ...c.engine.evidence.map((e) => `  - ${e.text}${e.source ? ` [${e.source}]` : ""}`),
    "",
    "each artifact alone:",
    ...(Object.entries(c.alone) as [StageKind, { cause: string; confidence: string }][]).map(
      ([k, v]) => `  ${KIND_NAMES[k]}: ${v.cause} (${v.confidence})${v.cause === c.label ? " ✓" : ""}`,
    ),
    ...(c.enoughAt ? [`  enough at: ${c.enoughAt}`] : []),
    "",
    "injected:",
    ...c.injected.map((l) => `  ${l}`),
    "",
    "appliance commands that would have shown it:",
    ...REVEALING_COMMANDS[c.label].map((l) => `  ${l}`),
  ];
  return lines.join("\n") + "\n";
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${h(i)}</li>`).join("")}</ul>`;
}

export function revealSection(r: Reveal): string {
  const c = r.case;
  const out = [`<section class="reveal" id="reveal-${h(c.case)}">`, `<h2>${h(c.case)}: the answer</h2>`];
  out.push(
    `<div id="truth"><p class="truth">True cause: <b>${h(c.label)}</b>, ${h(CAUSE_TITLES[c.label])}</p>`,
    r.answer
      ? `<p>Your answer: <b>${h(r.answer)}</b> <span class="${r.answer === c.label ? "ok" : "bad"}">${r.answer === c.label ? "right" : "wrong"}</span></p>`
      : "",
    `<p>Scenario <code>${h(c.scenario)}</code>: ${h(c.description)}</p></div>`,
  );
  out.push(
    `<h3>What the engine read from the case's files</h3>`,
    `<p><b>${h(c.engine.cause)}</b> (confidence ${h(c.engine.confidence)}): ${h(c.engine.explanation)}</p>`,
    c.engine.evidence.length
      ? `<ul class="evidence">${c.engine.evidence.map((e) => `<li>${h(e.text)}${e.source ? ` <small>[${h(e.source)}]</small>` : ""}</li>`).join("")}</ul>`
      : "",
    c.engine.nextSteps.length ? `<h4>Next steps</h4>${list(c.engine.nextSteps)}` : "",
  );
  out.push(
    "<h3>Where the packets died</h3>",
    "html" in r.ladder
      ? `<p><small>(from ${h(r.ladder.from.join(", "))})</small></p>${r.ladder.html}`
      : `<p><i>${h(r.ladder.missing)}</i></p>`,
  );
  const rows = (Object.entries(c.alone) as [StageKind, { cause: string; confidence: string }][]).map(
    ([k, v]) =>
      `<tr><td>${h(KIND_NAMES[k])}</td><td>${h(v.cause)}</td><td>${h(v.confidence)}</td><td class="${v.cause === c.label ? "ok" : "bad"}">${v.cause === c.label ? "✓" : "✘"}</td></tr>`,
  );
  out.push(
    "<h3>What each artifact alone said</h3>",
    rows.length
      ? `<table class="alone"><thead><tr><th>from</th><th>engine</th><th>confidence</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`
      : "<p><i>No artifact could be read alone.</i></p>",
    c.enoughAt ? `<p>Enough on its own: ${h(KIND_NAMES[c.enoughAt])}.</p>` : "",
  );
  out.push(
    '<h3>The injected fault</h3><div id="fault">',
    list(c.injected),
    r.faultRules ? `<pre class="rules">${h(r.faultRules)}</pre>` : "",
    "</div>",
  );
  out.push(
    "<h3>Appliance commands that would have shown it</h3>",
    `<div id="commands">${list(REVEALING_COMMANDS[c.label])}</div>`,
    "</section>",
  );
  return out.filter(Boolean).join("\n");
}

export function revealPage(r: Reveal): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${h(r.case.case)}: the answer</title>
<style>${PAGE_STYLE}</style></head>
<body>
${revealSection(r)}
</body></html>
`;
}

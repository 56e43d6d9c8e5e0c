/**
 * The ladder part of a report section or a `diagnose --format html` page: the path ladder of the
 * failing connection across every capture point, the burst view when the backend saw many
 * connections, the history legend; the DNS exchanges when no TCP connection was made.
 */
import type { FlowSummary } from "../flows/types.js";
import { htmlEscape as h } from "./html-escape.js";
import { dnsLadder, pickConnection } from "./ladder.js";
import { renderLadderSvg } from "./ladder-svg.js";
import { burstRows, buildPathLadder } from "./path-ladder.js";
import { HISTORY_LEGEND, renderPathLadderSvg } from "./path-ladder-svg.js";

/** More backend connections than this at the first point is a burst: all of them get a row. */
export const BURST = 3;

export function renderLadders(
  points: readonly { source: string; summary: FlowSummary }[],
  logText: string | undefined,
  linkPrefix = "",
): string {
  const ladder = buildPathLadder(points, logText);
  if (!ladder) {
    const dns = points.flatMap((p) => p.summary.dns);
    if (!dns.length)
      return `<p><i>No TCP connection or DNS exchange in ${h(points.map((p) => p.source).join(", "))}.</i></p>`;
    return `<h4>Ladder: DNS exchanges <small>(from ${h(points[0].source)})</small></h4><div class="ladder-box">${renderLadderSvg(dnsLadder(dns))}</div>`;
  }
  const out = [
    `<h4>Ladder: ${h(ladder.title)} <small>${h(ladder.history)} (across ${points.length} capture point${points.length === 1 ? "" : "s"})</small></h4>`,
    `<div class="ladder-box">${renderPathLadderSvg(ladder, linkPrefix)}</div>`,
    `<p class="legend"><small>${h(HISTORY_LEGEND)}</small></p>`,
  ];
  // Where DNS matters (a cached or a moved address), its exchanges, with their rcodes and answers.
  const dns = points.find((p) => p.summary.dns.length)?.summary.dns ?? [];
  if (dns.length)
    out.push(
      `<h4>DNS exchanges <small>(the gateway and its name server)</small></h4><div class="ladder-box">${renderLadderSvg(dnsLadder(dns))}</div>`,
    );
  const base = points.map((p) => pickConnection(p.summary.tcp)).find(Boolean);
  const burst = base ? burstRows(points, base) : [];
  if (burst.length > BURST) {
    const head = points.map((p) => `<th>${h(p.source)}</th>`).join("");
    const rows = burst
      .map(
        (b) =>
          `<tr><td>${h(b.conn)}</td><td>${h(b.history)}</td>${b.seen.map((s) => `<td class="${s ? "ok" : "bad"}">${s ? "SYN" : "—"}</td>`).join("")}</tr>`,
      )
      .join("");
    out.push(
      `<h4>Burst: ${burst.length} connections <small>(where each SYN was seen)</small></h4><table class="burst"><thead><tr><th>connection</th><th>state, history</th>${head}</tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  return out.join("\n");
}

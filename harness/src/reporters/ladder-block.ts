/**
 * The ladder part of a report section, a `diagnose --format html` page or a lab reveal: the path
 * ladder of the failing connection across every capture point (with the DNS exchanges around
 * it, or those alone when no TCP connection was made), the burst view when the backend saw many
 * connections, the history legend.
 */
import { htmlEscape as h } from "./html-escape.js";
import { pickConnection } from "./pick-connection.js";
import type { LadderPoint } from "./path-ladder.js";
import type { PointSight } from "./agreeing-connection.js";
import { burstRows } from "./burst-rows.js";
import { pathLadderFor } from "./path-ladder-labels.js";
import { HISTORY_LEGEND, MARKS_LEGEND, renderPathLadderSvg } from "./path-ladder-svg.js";

/** More backend connections than this at the first point is a burst: all of them get a row. */
export const BURST = 3;

/** `sight`: what the engine said each point saw, so the ladder draws the connection its verdict is about. */
export async function renderLadders(
  points: readonly LadderPoint[],
  logText: string | undefined,
  linkPrefix = "",
  sight?: readonly PointSight[],
): Promise<string> {
  const ladder = await pathLadderFor(points, logText, sight);
  if (!ladder)
    return `<p><i>No TCP connection or DNS exchange in ${h(points.map((p) => p.source).join(", "))}.</i></p>`;
  const across = `across ${points.length} capture point${points.length === 1 ? "" : "s"}`;
  const out = [
    `<h4>Ladder: ${h(ladder.title)} <small>${h(ladder.history ? `${ladder.history} (${across})` : `(${across})`)}</small></h4>`,
    `<div class="ladder-box">${renderPathLadderSvg(ladder, linkPrefix)}</div>`,
  ];
  out.push(`<p class="legend"><small>${h(MARKS_LEGEND)}</small></p>`);
  if (ladder.history) out.push(`<p class="legend"><small>${h(HISTORY_LEGEND)}</small></p>`);
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

/**
 * Renders a Ladder as inline SVG: one vertical lane per endpoint, one arrow per packet, time on
 * the left. Every caption goes through htmlEscape: addresses and labels come from the capture.
 */
import type { Ladder, LadderKind } from "./ladder.js";
import { htmlEscape } from "./html-escape.js";

const COLOURS: Record<LadderKind, string> = {
  syn: "#1f6feb",
  synack: "#1a7f37",
  ack: "#6e7781",
  data: "#8250df",
  fin: "#bf8700",
  rst: "#cf222e",
  icmp: "#cf222e",
  "dns-query": "#1f6feb",
  "dns-answer": "#1a7f37",
};

const ROW = 22;
const TOP = 44;
const LEFT = 70;
const LANE_GAP = 260;

export function renderLadderSvg(l: Ladder): string {
  const width = LEFT + LANE_GAP * Math.max(1, l.lanes.length - 1) + 90;
  const height = TOP + ROW * (l.events.length + 1) + (l.truncated ? ROW : 0);
  const x = (i: number) => LEFT + 40 + i * LANE_GAP;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="ladder" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`,
  );
  parts.push(`<title>${htmlEscape(l.title)}</title>`);
  parts.push(
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>`,
  );
  l.lanes.forEach((lane, i) => {
    parts.push(`<text x="${x(i)}" y="16" text-anchor="middle" font-weight="bold">${htmlEscape(lane)}</text>`);
    parts.push(
      `<line x1="${x(i)}" y1="26" x2="${x(i)}" y2="${height - 6}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
  });
  l.events.forEach((e, i) => {
    const y = TOP + ROW * i;
    const colour = COLOURS[e.kind];
    parts.push(`<g class="ev ev-${e.kind}">`);
    parts.push(`<text x="4" y="${y + 4}" fill="#57606a">${e.t.toFixed(3)}s</text>`);
    parts.push(
      `<line x1="${x(e.from)}" y1="${y}" x2="${x(e.to)}" y2="${y + ROW - 8}" stroke="${colour}" stroke-width="1.5" marker-end="url(#arrow)"/>`,
    );
    const mid = (x(e.from) + x(e.to)) / 2;
    parts.push(
      `<text x="${mid}" y="${y + 4}" text-anchor="middle" fill="${colour}">${htmlEscape(e.label)}</text>`,
    );
    parts.push("</g>");
  });
  if (l.truncated)
    parts.push(`<text x="${LEFT}" y="${height - 8}" fill="#57606a">… more packets not drawn</text>`);
  parts.push("</svg>");
  return parts.join("");
}

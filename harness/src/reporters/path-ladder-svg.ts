/**
 * Draws a PathLadder as inline SVG: a lane per node (role, address and the capture file above
 * it), a row per packet with its frame number at every lane that saw it, a cross where a packet
 * was last seen when it never reached the far end, retransmissions dashed, stretches no capture
 * covers dotted, log events as notes on the gateway's lane, absolute and relative times on the
 * left, and a legend. Lane gaps come from the longest caption and label, so none is clipped.
 * Every caption goes through htmlEscape; frame numbers link to their capture (relative links,
 * no scheme).
 */
import type { PathLadder, PathRow, RowKind } from "./path-ladder.js";
import { htmlEscape as h, hrefFor } from "./html-escape.js";

const COLOURS: Record<RowKind, string> = {
  syn: "#1f6feb",
  synack: "#1a7f37",
  ack: "#6e7781",
  data: "#8250df",
  tls: "#8250df",
  fin: "#bf8700",
  rst: "#cf222e",
  icmp: "#cf222e",
  dns: "#0969da",
  log: "#9a6700",
};

/** Zeek's history letters (conn.log): upper case from the originator, lower case from the responder. */
export const HISTORY_LEGEND =
  "History (Zeek): S SYN, H SYN-ACK, A pure ACK, D data, F FIN, R RST, T retransmitted, ^ direction flipped; lower case = from the backend. State: S0 no answer to the SYN, REJ refused, SF normal close, RSTO/RSTR reset by the gateway/backend, OTH midstream.";

/** What the marks mean; shown beside the drawing (ladder-block.ts), where it wraps. */
export const MARKS_LEGEND =
  "✕ last seen there, never at the next point · ? left the last capture point, no sign it arrived · solid: seen by the captures · dotted: no capture on that stretch · dashed: retransmission · #n: frame number in that capture";

/** px per character at font-size 11 monospace (measured in Chromium: 6.6). */
export const CHAR = 6.7;
const ROW = 24;
const TOP = 72;
const TIMES = 190;
/** Longer labels are cut with an ellipsis; the whole text is the row's tooltip. */
const MAX_LABEL = 72;

const shown = (r: PathRow) => {
  const t = `${r.label}${r.retransmission ? " (retransmission)" : ""}`;
  return t.length > MAX_LABEL ? `${t.slice(0, MAX_LABEL - 1)}…` : t;
};

export function laneCaption(l: PathLadder, i: number): [string, string, string] {
  const lane = l.lanes[i];
  return [
    lane.side ? `${lane.role} (${lane.side})` : lane.role,
    lane.address || "address not seen",
    lane.source || "no capture here",
  ];
}

function gapFor(l: PathLadder): number {
  const need = [
    12 * CHAR,
    ...l.lanes.flatMap((_, i) => laneCaption(l, i).map((c) => c.length * CHAR)),
    ...l.rows
      .filter((r) => r.kind !== "log")
      .map((r) => (shown(r).length * CHAR + 16) / Math.max(1, Math.abs(r.to - r.from))),
  ];
  return Math.max(150, Math.ceil(Math.max(...need) + 24));
}

export function renderPathLadderSvg(l: PathLadder, linkPrefix = ""): string {
  const gap = gapFor(l);
  const x = (i: number) => TIMES + gap / 2 + i * gap;
  // Texts that start at a lane and run right: log notes, labels of packets seen at one lane only.
  const rightmost = l.rows.map((r) =>
    r.kind === "log"
      ? x(0) + 8 + r.label.length * CHAR
      : r.from === r.to
        ? x(r.from) + 8 + shown(r).length * CHAR
        : x(Math.max(r.from, r.to)) + (r.unknown ? 40 : 12),
  );
  const width = Math.ceil(Math.max(TIMES + gap * l.lanes.length, ...rightmost) + 16);
  const height = TOP + ROW * l.rows.length + (l.truncated ? ROW : 0) + 16;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="ladder" data-ladder="path" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`,
    `<title>${h(`${l.title} ${l.history}`.trim())}</title>`,
  ];
  l.lanes.forEach((lane, i) => {
    const [role, addr, file] = laneCaption(l, i);
    out.push(
      `<g class="lane" data-role="${h(lane.role)}" data-source="${h(lane.source)}">`,
      `<text x="${x(i)}" y="16" text-anchor="middle" font-weight="bold">${h(role)}</text>`,
      `<text x="${x(i)}" y="30" text-anchor="middle" fill="#1f2328">${h(addr)}</text>`,
      `<text x="${x(i)}" y="44" text-anchor="middle" fill="#57606a">${h(file)}</text>`,
      `<line x1="${x(i)}" y1="52" x2="${x(i)}" y2="${height - 10}" stroke="#999" stroke-dasharray="4 3"/>`,
      "</g>",
    );
  });
  out.push(`<text x="4" y="${TOP - 8}" fill="#57606a">time (UTC) / since first</text>`);
  l.rows.forEach((r, i) => out.push(rowSvg(l, r, TOP + ROW * i + 10, x, linkPrefix)));
  if (l.truncated) out.push(`<text x="4" y="${height - 8}" fill="#57606a">… more packets not drawn</text>`);
  out.push("</svg>");
  return out.join("");
}

function rowSvg(l: PathLadder, r: PathRow, y: number, x: (i: number) => number, linkPrefix: string): string {
  const colour = COLOURS[r.kind];
  const abs = new Date(Math.round(r.ts * 1000)).toISOString().slice(11, 23);
  const out = [
    `<g class="row row-${r.kind}${r.lost ? " lost" : ""}${r.retransmission ? " retrans" : ""}">`,
    `<title>${h(r.label)}</title>`,
    `<text x="4" y="${y + 4}" fill="#57606a">${abs} ${r.t < 0 ? "-" : "+"}${Math.abs(r.t).toFixed(3)}s</text>`,
  ];
  if (r.kind === "log") {
    out.push(`<text x="${x(0) + 8}" y="${y + 4}" fill="${colour}">${h(r.label)}</text>`, "</g>");
    return out.join("");
  }
  const x1 = x(r.from);
  const x2 = x(r.to);
  const [s1, s2] = [x(r.seen[0]), x(r.seen[1])];
  const line = (a: number, b: number, extra: string) =>
    a === b
      ? ""
      : `<line${extra} x1="${a}" y1="${y}" x2="${b}" y2="${y}" stroke="${colour}" stroke-width="1.5"`;
  // Solid where the captures saw it, dotted from its sender and on to the node that answered.
  const dash = r.retransmission ? ' stroke-dasharray="5 3"' : "";
  const solid = line(s1, s2, "");
  if (solid) out.push(`${solid}${dash}/>`);
  for (const [a, b] of [
    [x1, s1],
    [s2, x2],
  ])
    if (a !== b) out.push(`${line(a, b, ' class="unseen"')} stroke-dasharray="1 3"/>`);
  const dirSign = r.from < r.to || (r.from === r.to && r.dir !== "resp") ? 1 : -1;
  if (r.unknown) {
    // Left the last capture point; nothing tells whether it arrived.
    const stub = x2 + dirSign * 28;
    out.push(
      `${line(x2, stub, ' class="unseen"')} stroke-dasharray="1 3"/>`,
      `<text class="unknown-mark" x="${stub + dirSign * 6}" y="${y + 4}" text-anchor="middle" fill="${colour}">?</text>`,
    );
  } else
    out.push(
      r.lost
        ? `<path class="lost-mark" d="M${x2 - 5},${y - 5} L${x2 + 5},${y + 5} M${x2 - 5},${y + 5} L${x2 + 5},${y - 5}" stroke="#cf222e" stroke-width="2"/>`
        : `<path d="M${x2 - 7 * dirSign},${y - 4} L${x2},${y} L${x2 - 7 * dirSign},${y + 4} z" fill="${colour}"/>`,
    );
  const text =
    x1 === x2
      ? `<text x="${x1 + 8}" y="${y - 4}" fill="${colour}">${h(shown(r))}</text>`
      : `<text x="${(x1 + x2) / 2}" y="${y - 4}" text-anchor="middle" fill="${colour}">${h(shown(r))}</text>`;
  out.push(text);
  for (const f of r.frames) {
    const href =
      linkPrefix && l.lanes[f.lane].source ? hrefFor(`${linkPrefix}${l.lanes[f.lane].source}`) : "";
    const t = `<text class="frame" x="${x(f.lane) + 3}" y="${y + 12}" fill="#57606a" font-size="9">${h(`#${f.n}`)}</text>`;
    out.push(href ? `<a href="${href}">${t}</a>` : t);
  }
  out.push("</g>");
  return out.join("");
}

/**
 * Draws a PathLadder as inline SVG: a lane per capture point (role and address above it), a row
 * per packet with its frame number at every lane that saw it, a cross where a packet was last
 * seen when it never reached the far end, retransmissions dashed, log events as notes on the
 * gateway's lane, absolute and relative times on the left, and a legend. Widths come from the
 * longest caption, so no label is clipped. Every caption goes through htmlEscape; frame numbers
 * link to their capture (relative links, no scheme).
 */
import type { PathLadder, RowKind } from "./path-ladder.js";
import { htmlEscape as h, hrefFor } from "./html-escape.js";

const COLOURS: Record<RowKind, string> = {
  syn: "#1f6feb",
  synack: "#1a7f37",
  ack: "#6e7781",
  data: "#8250df",
  tls: "#8250df",
  fin: "#bf8700",
  rst: "#cf222e",
  log: "#9a6700",
};

/** Zeek's history letters (conn.log): upper case from the originator, lower case from the responder. */
export const HISTORY_LEGEND =
  "History (Zeek): S SYN, H SYN-ACK, A pure ACK, D data, F FIN, R RST, T retransmitted, ^ direction flipped; lower case = from the backend. State: S0 no answer to the SYN, REJ refused, SF normal close, RSTO/RSTR reset by the gateway/backend, OTH midstream.";

const CHAR = 6.7; // px per character at font-size 11 monospace
const ROW = 24;
const TOP = 58;
const TIMES = 190;

export function renderPathLadderSvg(l: PathLadder, linkPrefix = ""): string {
  const caption = (i: number) => [l.lanes[i].role, l.lanes[i].address];
  const widest = Math.max(
    ...l.rows.filter((r) => r.kind !== "log").map((r) => r.label.length + (r.retransmission ? 17 : 0)),
    ...l.lanes.flatMap((_, i) => caption(i).map((c) => c.length)),
    12,
  );
  const gap = Math.max(150, Math.ceil(widest * CHAR) + 24);
  const x = (i: number) => TIMES + gap / 2 + i * gap;
  const logWidth = Math.max(0, ...l.rows.filter((r) => r.kind === "log").map((r) => r.label.length * CHAR));
  const width = Math.ceil(Math.max(TIMES + gap * l.lanes.length, x(0) + 12 + logWidth) + 16);
  const height = TOP + ROW * (l.rows.length + 1) + (l.truncated ? ROW : 0) + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="ladder" data-ladder="path" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`,
    `<title>${h(`${l.title} ${l.history}`)}</title>`,
  ];
  l.lanes.forEach((lane, i) => {
    const [role, addr] = caption(i);
    out.push(`<g class="lane" data-source="${h(lane.source)}">`);
    out.push(`<text x="${x(i)}" y="16" text-anchor="middle" font-weight="bold">${h(role)}</text>`);
    out.push(`<text x="${x(i)}" y="30" text-anchor="middle" fill="#57606a">${h(addr || lane.source)}</text>`);
    out.push(
      `<line x1="${x(i)}" y1="38" x2="${x(i)}" y2="${height - 10}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
    out.push("</g>");
  });
  out.push(`<text x="4" y="${TOP - 8}" fill="#57606a">time (UTC) / since first</text>`);
  l.rows.forEach((r, i) => {
    const y = TOP + ROW * i + 10;
    const colour = COLOURS[r.kind];
    const abs = new Date(Math.round(r.ts * 1000)).toISOString().slice(11, 23);
    out.push(
      `<g class="row row-${r.kind}${r.lost ? " lost" : ""}${r.retransmission ? " retrans" : ""}">`,
      `<text x="4" y="${y + 4}" fill="#57606a">${abs} ${r.t < 0 ? "-" : "+"}${Math.abs(r.t).toFixed(3)}s</text>`,
    );
    if (r.kind === "log") {
      out.push(`<text x="${x(0) + 8}" y="${y + 4}" fill="${colour}">${h(r.label)}</text>`, "</g>");
      return;
    }
    const x1 = x(r.from);
    const x2 = x(r.to);
    const dash = r.retransmission ? ' stroke-dasharray="5 3"' : "";
    if (x1 !== x2)
      out.push(
        `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${colour}" stroke-width="1.5"${dash}/>`,
      );
    const dirSign = r.from <= r.to ? 1 : -1;
    if (r.lost)
      out.push(
        `<path class="lost-mark" d="M${x2 - 5},${y - 5} L${x2 + 5},${y + 5} M${x2 - 5},${y + 5} L${x2 + 5},${y - 5}" stroke="#cf222e" stroke-width="2"/>`,
      );
    else
      out.push(
        `<path d="M${x2 - 7 * dirSign},${y - 4} L${x2},${y} L${x2 - 7 * dirSign},${y + 4} z" fill="${colour}"/>`,
      );
    const mid = x1 === x2 ? x1 + 40 : (x1 + x2) / 2;
    const text = `${r.label}${r.retransmission ? " (retransmission)" : ""}`;
    out.push(`<text x="${mid}" y="${y - 4}" text-anchor="middle" fill="${colour}">${h(text)}</text>`);
    for (const f of r.frames) {
      const label = `#${f.n}`;
      const href = linkPrefix ? hrefFor(`${linkPrefix}${l.lanes[f.lane].source}`) : "";
      const t = `<text class="frame" x="${x(f.lane) + 3}" y="${y + 12}" fill="#57606a" font-size="9">${h(label)}</text>`;
      out.push(href ? `<a href="${href}">${t}</a>` : t);
    }
    out.push("</g>");
  });
  if (l.truncated) out.push(`<text x="4" y="${height - 26}" fill="#57606a">… more packets not drawn</text>`);
  out.push(
    `<text x="4" y="${height - 8}" fill="#57606a">✕ last seen there, never at the next point · dashed: retransmission · #n: frame number in that capture</text>`,
  );
  out.push("</svg>");
  return out.join("");
}

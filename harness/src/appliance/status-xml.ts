/**
 * Status parts of the error report are XML like the appliance's status providers
 * (`<dp:status><ObjectStatus><Name>..</Name>...</ObjectStatus>...</dp:status>`): one element
 * per row, one child per field. Only that flat shape is written and read; a scanning reader is
 * enough and survives damaged XML (a broken row is skipped and reported).
 */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

const TO_ESCAPE = /[&<>"']/g;
const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;

/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const STATUS_XML_PATTERNS: Record<string, RegExp> = { TO_ESCAPE, ENTITY };

export function xmlEscape(s: string): string {
  return s.replace(TO_ESCAPE, (c) => ESC[c]);
}

export function xmlUnescape(s: string): string {
  return s.replace(ENTITY, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === "amp") return "&";
    if (k === "lt") return "<";
    if (k === "gt") return ">";
    if (k === "quot") return '"';
    if (k === "apos") return "'";
    const n = k.startsWith("#x") ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : m;
  });
}

export type Row = Record<string, string>;

export function renderRows(rowName: string, rows: Row[]): string {
  const body = rows
    .map((r) => {
      const fields = Object.entries(r)
        .map(([k, v]) => (v === "" ? `<${k}/>` : `<${k}>${xmlEscape(v)}</${k}>`))
        .join("");
      return `<${rowName} xmlns:env="http://www.w3.org/2003/05/soap-envelope">${fields}</${rowName}>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<dp:status xmlns:dp="http://www.datapower.com/schemas/management">\n${body}\n</dp:status>\n`;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";
const MAX_ROWS = 100_000;

/**
 * Rows named `rowName`; fields that repeat keep the last value. Plain string scanning, each search
 * starting where the last ended (linear): a lazy `<row>([\s\S]*?)</row>` regex rescans the rest
 * of the text from every unterminated row.
 */
export function parseRows(rowName: string, xml: string, problems: string[]): Row[] {
  const rows: Row[] = [];
  const open = `<${rowName}`;
  const close = `</${rowName}>`;
  let opens = 0;
  let pos = 0;
  // Bounded: every pass moves `pos` forward.
  for (;;) {
    const at = xml.indexOf(open, pos);
    if (at < 0) break;
    const after = at + open.length;
    const c = xml[after];
    if (c !== ">" && !isSpace(c)) {
      pos = after;
      continue;
    }
    opens++;
    const gt = c === ">" ? after : xml.indexOf(">", after);
    if (gt < 0) break;
    const end = xml.indexOf(close, gt + 1);
    if (end < 0) {
      opens += countOpens(xml, open, gt + 1);
      break;
    }
    if (rows.length >= MAX_ROWS) {
      problems.push(`more than ${MAX_ROWS} rows; the rest are ignored`);
      return rows;
    }
    rows.push(fields(xml.slice(gt + 1, end)));
    pos = end + close.length;
  }
  if (opens > rows.length) problems.push(`${opens - rows.length} unterminated <${rowName}> row(s) skipped`);
  return rows;
}

function countOpens(xml: string, open: string, from: number): number {
  let n = 0;
  for (let at = xml.indexOf(open, from); at >= 0; at = xml.indexOf(open, at + open.length)) {
    const c = xml[at + open.length];
    if (c === ">" || isSpace(c)) n++;
  }
  return n;
}

/**
 * `<name>text</name>` and `<name/>` children of a row (attributes allowed), by scanning. The next
 * `>` and `<` are remembered, so a run of unclosed openers costs one pass, not one each.
 */
function fields(body: string): Row {
  const row: Row = {};
  let nextGt = -1;
  let nextLt = -1;
  const gtFrom = (i: number) =>
    nextGt >= i || nextGt === -2 ? nextGt : (nextGt = body.indexOf(">", i)) < 0 ? (nextGt = -2) : nextGt;
  const ltFrom = (i: number) =>
    nextLt >= i || nextLt === -2 ? nextLt : (nextLt = body.indexOf("<", i)) < 0 ? (nextLt = -2) : nextLt;
  let pos = 0;
  for (;;) {
    const lt = body.indexOf("<", pos);
    if (lt < 0) break;
    pos = lt + 1;
    let n = pos;
    while (n < body.length && isWord(body.charCodeAt(n))) n++;
    if (n === pos) continue;
    const name = body.slice(pos, n);
    const c = body[n];
    let gt: number;
    if (c === ">") gt = n;
    else if (c === "/" && body[n + 1] === ">") gt = n + 1;
    else if (isSpace(c)) {
      gt = gtFrom(n);
      if (gt < 0) break;
    } else continue;
    if (body[gt - 1] === "/") {
      row[name] = "";
      pos = gt + 1;
      continue;
    }
    const textEnd = ltFrom(gt + 1);
    if (textEnd < 0) break;
    if (body.startsWith(`</${name}>`, textEnd)) {
      row[name] = xmlUnescape(body.slice(gt + 1, textEnd));
      pos = textEnd + name.length + 3;
    }
  }
  return row;
}

function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

export function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Status parts of the error report are XML like the appliance's status providers
 * (`<dp:status><ObjectStatus><Name>..</Name>...</ObjectStatus>...</dp:status>`): one element
 * per row, one child per field. Only that flat shape is written and read; a regex reader is
 * enough and survives damaged XML (a broken row is skipped and reported).
 */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

export function xmlUnescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
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

/** Rows named `rowName`; fields that repeat keep the last value. */
export function parseRows(rowName: string, xml: string, problems: string[]): Row[] {
  const rows: Row[] = [];
  const rowRe = new RegExp(`<${rowName}(?:\\s[^>]*)?>([\\s\\S]*?)</${rowName}>`, "g");
  let count = 0;
  for (const m of xml.matchAll(rowRe)) {
    if (++count > 100_000) {
      problems.push("more than 100000 rows; the rest are ignored");
      break;
    }
    const row: Row = {};
    for (const f of m[1].matchAll(/<(\w+)(?:\s[^>]*)?(?:\/>|>([^<]*)<\/\1>)/g))
      row[f[1]] = xmlUnescape(f[2] ?? "");
    rows.push(row);
  }
  const opens = (xml.match(new RegExp(`<${rowName}[\\s>]`, "g")) ?? []).length;
  if (opens > count) problems.push(`${opens - count} unterminated <${rowName}> row(s) skipped`);
  return rows;
}

export function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

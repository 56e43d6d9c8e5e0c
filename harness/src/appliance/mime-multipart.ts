/**
 * The error report's container: a MIME multipart message (DOMAIN.md §3). Parts are base64
 * unless told otherwise; the reader accepts base64, 7bit/8bit and quoted-printable-free text,
 * finds the boundary from the header or from the first `--...dp<digits>` line, and reports
 * damaged parts instead of throwing.
 */

export interface MimePart {
  headers: Record<string, string>;
  /** Content-ID without the angle brackets, e.g. `NetworkInfo@datapower.ibm.com`. */
  id: string;
  contentType: string;
  body: Buffer;
}

export interface MimeMessage {
  headers: Record<string, string>;
  preamble: string;
  parts: MimePart[];
  problems: string[];
}

export interface PartInput {
  id: string;
  contentType: string;
  body: string | Uint8Array;
  /** `Content-Disposition: attachment; filename=<name>` when set. */
  filename?: string;
}

function base64Lines(b: Buffer): string {
  const s = b.toString("base64");
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 76) out.push(s.slice(i, i + 76));
  return out.join("\r\n");
}

/** `boundary` is the parameter value; delimiter lines are `--` + boundary. */
export function buildMultipart(opts: {
  boundary: string;
  headers: Record<string, string>;
  preamble: string;
  parts: PartInput[];
}): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(opts.headers)) lines.push(`${k}: ${v}`);
  lines.push(`Content-Type: multipart/mixed; boundary="${opts.boundary}"`, "", opts.preamble);
  for (const p of opts.parts) {
    lines.push(
      `--${opts.boundary}`,
      `Content-Type: ${p.contentType}`,
      "Content-Transfer-Encoding: base64",
      `Content-ID: <${p.id}>`,
    );
    if (p.filename) lines.push(`Content-Disposition: attachment; filename=${p.filename}`);
    lines.push("", base64Lines(Buffer.from(p.body)));
  }
  lines.push(`--${opts.boundary}--`, "");
  return lines.join("\r\n");
}

function parseHeaders(block: string): Record<string, string> {
  const h: Record<string, string> = {};
  let last: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) h[last] += " " + line.trim();
    else {
      const i = line.indexOf(":");
      if (i > 0) {
        last = line.slice(0, i).trim().toLowerCase();
        h[last] = line.slice(i + 1).trim();
      }
    }
  }
  return h;
}

function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, ""];
}

export function parseMultipart(text: string): MimeMessage {
  const problems: string[] = [];
  const [head, rest] = splitHead(text);
  const headers = parseHeaders(head);
  let boundary = /boundary="?([^";\s]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  let body = rest;
  if (!boundary) {
    // No usable header: take the first delimiter-looking line, and read everything as body.
    const m = /^--(-*dp\d+)[ \t]*\r?$/m.exec(text);
    if (!m)
      return { headers, preamble: text.slice(0, 200), parts: [], problems: ["no multipart boundary found"] };
    problems.push("multipart boundary missing from the header; taken from the first delimiter line");
    boundary = m[1];
    body = text;
  }
  const delim = `--${boundary}`;
  const chunks = body.split(
    new RegExp(`^${delim.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(--)?[ \\t]*\\r?$`, "m"),
  );
  // split with one capture group: [preamble, cap, part, cap, part, ...]
  const preamble = chunks[0].trim();
  const parts: MimePart[] = [];
  let closed = false;
  for (let i = 1; i + 1 < chunks.length; i += 2) {
    const isClose = chunks[i] === "--";
    const partText = chunks[i + 1].replace(/^\r?\n/, "");
    if (isClose) {
      closed = true;
      break;
    }
    const [ph, pb] = splitHead(partText);
    const h = parseHeaders(ph);
    const id = (h["content-id"] ?? "").replace(/^<|>$/g, "");
    const enc = (h["content-transfer-encoding"] ?? "7bit").toLowerCase();
    let data: Buffer;
    if (enc === "base64") {
      const clean = pb.replace(/\s+/g, "");
      if (/[^A-Za-z0-9+/=]/.test(clean))
        problems.push(`part ${id || parts.length + 1}: invalid base64 characters ignored`);
      data = Buffer.from(clean.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
    } else {
      data = Buffer.from(pb.replace(/\r?\n$/, ""), "utf8");
    }
    parts.push({
      headers: h,
      id,
      contentType: (h["content-type"] ?? "text/plain").split(";")[0].trim(),
      body: data,
    });
  }
  if (!closed) problems.push("multipart message has no closing delimiter (truncated?)");
  return { headers, preamble, parts, problems };
}

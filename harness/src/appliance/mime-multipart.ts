/**
 * Writing the error report's container: a MIME multipart message (DOMAIN.md §3), every part
 * base64. multipart-reader.ts reads it back.
 */

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

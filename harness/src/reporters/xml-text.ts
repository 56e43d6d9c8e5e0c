/**
 * Text safe for XML 1.0 attributes and content: the five entities escaped, and characters XML
 * cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF) replaced, since
 * artifact text (log lines, packet data) may hold anything.
 */
const INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s
    .replace(INVALID, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** For attributes: also keep line breaks and tabs as character references so they survive normalisation. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

/** Escapes text for HTML content and quoted attributes; everything from artifacts goes through here. */
export function htmlEscape(s: unknown): string {
  return String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A relative link target from a bundle path: each segment percent-encoded, no scheme possible. */
export function hrefFor(relPath: string): string {
  return relPath
    .split("/")
    .map((p) => encodeURIComponent(p))
    .join("/");
}

/** One word for /bin/sh, whatever it holds: single quotes, each inner quote closed and escaped. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

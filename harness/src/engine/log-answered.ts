/**
 * Log lines that show the backend answered: a response header or status line quoted, an HTTP
 * status the backend returned, a redirect, a response that could not be parsed. Whatever failed
 * then, the backside connection was established, so such a line never names a connect failure
 * (the appliance's generic "Failed to establish a backside connection" can trail them, as in
 * `Backside header ('HTTP/1.1 302 Found') failed to parse due to: ...`). The patterns are anchored
 * on literal words with bounded gaps, so their cost is linear in the line.
 */

/** A header the appliance quotes when one arrived; `N/A` is its word for none (no response). */
const HEADER = /Backside header \('([^']{1,200})'\)/;
/** A status line as the backend sent it. */
const STATUS_LINE = /\bHTTP\/\d(?:\.\d)? ([1-5]\d\d)\b/;
/** A status code named as the backend's response. */
const STATUS_CODE =
  /\b(?:response code|status code|HTTP status|response status|returned HTTP|responded with)[ :=(']{1,3}([1-5]\d\d)\b/i;
const ABOUT_BACKEND = /\b(?:backside|backend|back side|server|upstream|url)\b/i;
const REDIRECT = /\bredirect(?:ed|ion|s)?\b/i;
const UNPARSABLE =
  /\b(?:response|reply|answer)\b.{0,60}?\b(?:could not be parsed|failed to parse|not parsable|unparsable|parse error|malformed|invalid)\b|\b(?:failed to parse|could not parse|parse error)\b.{0,60}?\bresponse\b/i;

/** Why the line shows the backend answered, or undefined when it does not. */
export function backendAnswered(message: string): string | undefined {
  const line = message.length > 4096 ? message.slice(0, 4096) : message;
  const h = HEADER.exec(line);
  if (h) return h[1].trim().toUpperCase() === "N/A" ? undefined : `the backend sent the header '${h[1]}'`;
  const sl = STATUS_LINE.exec(line);
  if (sl) return `the backend answered with status ${sl[1]}`;
  if (!ABOUT_BACKEND.test(line)) return undefined;
  const sc = STATUS_CODE.exec(line);
  if (sc) return `the backend answered with status ${sc[1]}`;
  if (REDIRECT.test(line)) return "the backend answered with a redirect";
  if (UNPARSABLE.test(line)) return "the backend answered with a response the gateway could not parse";
  return undefined;
}

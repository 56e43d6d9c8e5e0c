/**
 * The few log lines worth showing next to a verdict: warnings and worse, and debug lines from the
 * categories that explain a backside failure (dns, network, ssl), in file order, bounded.
 */
import { parseLog } from "../appliance/log-reader.js";
import { LOG_LEVELS } from "../appliance/types.js";

export const MAX_KEY_LINES = 20;
const WARN = LOG_LEVELS.indexOf("warn");
const TELLING = new Set(["dns", "network", "ssl", "crypto", "tcp"]);

export function keyLogLines(text: string, max = MAX_KEY_LINES): string[] {
  const parsed = parseLog(text);
  const picked = parsed.entries.filter((e) => LOG_LEVELS.indexOf(e.level) <= WARN || TELLING.has(e.category));
  const lines = picked.map((e) => e.raw);
  return lines.length > max
    ? [...lines.slice(0, max - 1), `… ${lines.length - max + 1} more in the log`]
    : lines;
}

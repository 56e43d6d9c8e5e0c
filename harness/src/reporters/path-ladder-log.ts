/** The gateway's own log events on a path ladder's timeline (warnings and worse, network and DNS lines). */
import { parseLog } from "../appliance/log-reader.js";
import { LOG_LEVELS } from "../appliance/types.js";
import type { PathRow } from "./path-ladder.js";

const WARN = LOG_LEVELS.indexOf("warn");
const MAX_LOG_ROWS = 12;

/** The events from a second before the first packet to five after the last. */
export function logRows(text: string | undefined, rows: readonly PathRow[]): PathRow[] {
  if (!text || !rows.length) return [];
  const first = Math.min(...rows.map((r) => r.ts)) - 1;
  const lastTs = Math.max(...rows.map((r) => r.ts)) + 5;
  return parseLog(text)
    .entries.filter(
      (e) => LOG_LEVELS.indexOf(e.level) <= WARN || e.category === "network" || e.category === "dns",
    )
    .map((e) => ({ e, ts: e.time / 1000 }))
    .filter(({ ts }) => ts >= first && ts <= lastTs)
    .slice(0, MAX_LOG_ROWS)
    .map(({ e, ts }) => ({
      t: 0,
      ts,
      kind: "log" as const,
      label: `log: ${e.message}`.slice(0, 120),
      from: 0,
      to: 0,
      dir: "none" as const,
      lost: false,
      retransmission: false,
      frames: [],
      seen: [0, 0] as [number, number],
      unknown: false,
      len: 0,
    }));
}

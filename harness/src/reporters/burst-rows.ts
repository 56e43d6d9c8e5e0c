/** The burst view's rows: every backend connection at the first capture point and how far its SYN got. */
import type { TcpConnection } from "../flows/types.js";
import { sameConnection, type LadderPoint } from "./path-ladder.js";

/** For bursts: every backend connection at the first point, with how far its SYN got. */
export interface BurstRow {
  conn: string;
  history: string;
  /** Per lane: whether the SYN was seen there. */
  seen: boolean[];
}

export function burstRows(points: readonly LadderPoint[], base: TcpConnection): BurstRow[] {
  const first =
    points[0]?.summary.tcp.filter((c) => c.id.respH === base.id.respH && c.id.respP === base.id.respP) ?? [];
  return first.map((c) => ({
    conn: `${c.id.origH}:${c.id.origP}`,
    history: `${c.connState} ${c.history}`,
    seen: points.map((p) => p.summary.tcp.some((x) => sameConnection(x, c) && x.syns.length > 0)),
  }));
}

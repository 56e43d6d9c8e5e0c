/** Which connection a path ladder draws, so it and the engine's "where it died" cannot disagree. */
import type { TcpConnection } from "../flows/types.js";
import { pickConnection } from "./pick-connection.js";
import { viewAt, type LadderPoint } from "./path-ladder.js";

/** What the engine said each point saw of the failing connection (Diagnosis.capturePoints.order). */
export interface PointSight {
  source: string;
  sawSyn: boolean;
  sawAnswer: boolean;
}

const answeredAt = (c: TcpConnection | undefined) =>
  !!c && (c.synAcks.length > 0 || c.resets.some((r) => r.dir === "resp") || c.icmpErrors.length > 0);

/**
 * The connection the engine's verdict is about: the last one (failing first) whose SYN and
 * answer were seen at exactly the points the engine says, so the ladder and "where it died"
 * cannot disagree. Without the engine's account, or when none matches, pickConnection's.
 */
export function agreeingConnection(
  points: readonly LadderPoint[],
  sight?: readonly PointSight[],
): TcpConnection | undefined {
  const fallback = points.map((p) => pickConnection(p.summary.tcp)).find(Boolean);
  if (!sight?.length || !fallback) return fallback;
  const want = points.map((p) => sight.find((s) => s.source === p.source));
  const fits = (c: TcpConnection) =>
    points.every((p, i) => {
      const v = viewAt(p, c);
      const w = want[i];
      return !w || (w.sawSyn === (!!v && v.syns.length > 0) && w.sawAnswer === answeredAt(v));
    });
  const first = points.find((p) => p.summary.tcp.length)?.summary.tcp ?? [];
  const failing = first.filter((c) => c.connState !== "SF" || c.resets.length > 0);
  return [...failing].reverse().find(fits) ?? [...first].reverse().find(fits) ?? fallback;
}

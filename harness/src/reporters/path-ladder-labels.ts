/**
 * Fills in what a path ladder can only learn from the capture files themselves: the request or
 * status line of each data packet (`GET / HTTP/1.1`, `HTTP/1.1 503 Service Unavailable`), as
 * tshark's Info column shows it, and the address of a middle box at each of its capture points
 * (the MAC the packet was sent to or from there, named by the ARP seen in the same capture).
 * Reads back only the ladder's own frames (ladder-frames.ts); a capture that cannot be read
 * again leaves the labels as they were.
 */
import { readLadderFrames, type CaptureFacts } from "./ladder-frames.js";
import type { LadderPoint, PathLadder, PathRow } from "./path-ladder.js";
import { buildPathLadder } from "./path-ladder.js";
import { agreeingConnection, type PointSight } from "./agreeing-connection.js";

const HTTP_REQUEST = /^[A-Z][A-Z-]{2,15} \S+ HTTP\/\d(\.\d)?$/;
const HTTP_STATUS = /^HTTP\/\d(\.\d)? \d{3}( .*)?$/;

/** The capture file a point's analysis read, when it read one file. */
const fileOf = (p: LadderPoint | undefined) =>
  p && p.summary.captures.length === 1 ? p.summary.captures[0].path : undefined;

/** Lanes whose address the connection gives, or (a capture point of no known role) nothing can. */
const isEnd = (role: string) => ["gateway", "backend", "dns", "capture"].includes(role);

export async function labelPathLadder(l: PathLadder, points: readonly LadderPoint[]): Promise<PathLadder> {
  const wanted = l.lanes.map(() => new Set<number>());
  const dataRows = l.rows.filter((r) => r.kind === "data" && r.frames.length);
  for (const r of dataRows) wanted[r.frames[0].lane]?.add(r.frames[0].n);
  const hopFrame = l.lanes.map((lane, i) => {
    if (isEnd(lane.role) || lane.address) return undefined;
    const f = l.rows.find((r) => r.kind !== "dns" && r.frames.some((x) => x.lane === i));
    const n = f?.frames.find((x) => x.lane === i)?.n;
    if (n !== undefined) wanted[i].add(n);
    return n;
  });
  const facts: (CaptureFacts | undefined)[] = [];
  for (let i = 0; i < l.lanes.length; i++) {
    const source = l.lanes[i].source;
    const file = source ? fileOf(points.find((p) => p.source === source)) : undefined;
    facts.push(
      file && wanted[i].size ? await readLadderFrames(file, wanted[i]).catch(() => undefined) : undefined,
    );
  }
  for (const r of dataRows) labelData(r, facts[r.frames[0].lane]);
  const known = new Set([...l.ends, ...l.lanes.map((x) => x.address)].filter(Boolean));
  l.lanes.forEach((lane, i) => {
    const n = hopFrame[i];
    const f = facts[i];
    const macs = n === undefined ? undefined : f?.frames.get(n)?.macs;
    if (!macs || !f) return;
    const ip = [macs.dst, macs.src].map((m) => f.arp.get(m)).find((a) => a && !known.has(a));
    if (ip) lane.address = ip;
  });
  return l;
}

function labelData(r: PathRow, f: CaptureFacts | undefined): void {
  const line = f?.frames.get(r.frames[0].n)?.firstLine;
  if (line && (HTTP_REQUEST.test(line) || HTTP_STATUS.test(line))) r.label = line;
}

/** buildPathLadder of the connection the engine's verdict is about, then the labels from the capture files. */
export async function pathLadderFor(
  points: readonly LadderPoint[],
  logText?: string,
  sight?: readonly PointSight[],
): Promise<PathLadder | null> {
  const l = buildPathLadder(points, logText, agreeingConnection(points, sight));
  return l && labelPathLadder(l, points);
}

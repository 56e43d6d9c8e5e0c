/**
 * The gateway's DNS exchanges on a path ladder: a lane per name server (appended after the
 * capture points, since the server's segment branches off the firewall and usually has no
 * capture of its own), each query and answer one row across the points that saw it, the stretch
 * no capture covers drawn dotted. Names, types, rcodes and answers as the capture says them.
 * Beside a TCP connection, DNS is drawn only where it says something about it: a query left
 * unanswered, an error rcode, no address, or an address other than the one connected to.
 */
import type { DnsTransaction } from "../flows/types.js";
import type { LadderPoint, PathLane, PathRow } from "./path-ladder.js";

const MAX_DNS = 8;
const MAX_SERVERS = 3;

interface Seen {
  d: DnsTransaction;
  lanes: Map<number, DnsTransaction>;
}

function answerText(d: DnsTransaction): string {
  const answers = d.answers.filter((a) => a.section === "answer").map((a) => `${a.typeName} ${a.data}`);
  const rcode = d.rcodeName ?? `rcode ${d.rcode}`;
  return `DNS answer ${rcode}${answers.length ? `: ${answers.slice(0, 3).join(", ")}` : ""}${d.truncated ? " (truncated)" : ""}`;
}

function row(
  base: Pick<PathRow, "ts" | "label" | "from" | "to" | "dir" | "lost" | "frames" | "seen">,
): PathRow {
  return { t: 0, kind: "dns", retransmission: false, unknown: false, len: 0, ...base };
}

/**
 * Whether the exchanges bear on a connection to `target`: one unanswered, an error rcode, an
 * address other than the target, or no answer naming the target at all (an AAAA with no data
 * beside an A naming it says nothing).
 */
function telling(ds: readonly DnsTransaction[], target: string): boolean {
  const addrs = (d: DnsTransaction) =>
    d.answers.filter((a) => a.section === "answer" && (a.type === 1 || a.type === 28)).map((a) => a.data);
  return (
    ds.some((d) => !d.response || d.rcode !== 0 || addrs(d).some((a) => a !== target)) ||
    !ds.some((d) => addrs(d).includes(target))
  );
}

/**
 * Rows for the exchanges within `window` (all of them, capped, when null), asked by the gateway
 * (lane 0's address when known). Appends a lane per server to `lanes` unless one is a capture point.
 */
export function dnsRows(
  points: readonly LadderPoint[],
  lanes: PathLane[],
  window: { from: number; to: number } | null,
  target?: string,
): PathRow[] {
  const client = lanes[0]?.address;
  const exchanges = new Map<string, Seen>();
  points.forEach((p) => {
    const lane = lanes.findIndex((l) => l.source === p.source);
    for (const d of p.summary.dns) {
      const ts = d.queries[0]?.ts ?? d.response?.ts ?? 0;
      if (window && (ts < window.from || ts > window.to)) continue;
      if (client && d.client !== client) continue;
      const key = `${d.client}|${d.clientPort}|${d.server}|${d.serverPort}|${d.id}|${d.query}`;
      const seen = exchanges.get(key) ?? (exchanges.size < MAX_DNS ? { d, lanes: new Map() } : null);
      if (!seen) continue;
      seen.lanes.set(lane, d);
      exchanges.set(key, seen);
    }
  });
  if (!exchanges.size) return [];
  if (
    target &&
    !telling(
      [...exchanges.values()].map((e) => e.d),
      target,
    )
  )
    return [];
  if (lanes[0] && !lanes[0].address) lanes[0].address = [...exchanges.values()][0].d.client;
  const laneOf = (server: string) => {
    const at = lanes.findIndex((l) => l.role === "dns" && (l.address === server || !l.address));
    if (at >= 0) {
      lanes[at].address ||= server;
      return at;
    }
    if (lanes.filter((l) => l.role === "dns").length >= MAX_SERVERS) return -1;
    return lanes.push({ source: "", role: "dns", side: "", address: server }) - 1;
  };
  const out: PathRow[] = [];
  for (const { d, lanes: at } of exchanges.values()) {
    const dns = laneOf(d.server);
    if (dns < 0) continue;
    const seenLanes = [...at.keys()];
    const near = Math.min(...seenLanes);
    const far = Math.max(...seenLanes);
    // The gateway sent it even where no capture stands beside the gateway.
    const sender = lanes[0]?.source === "" ? 0 : near;
    const q = `${d.qtypeName ?? "?"} ${d.query ?? "?"}`;
    const framesOf = (pick: (t: DnsTransaction) => number | undefined) =>
      seenLanes.flatMap((l) => {
        const n = pick(at.get(l)!);
        return n === undefined ? [] : [{ lane: l, n }];
      });
    d.queries.forEach((ref, i) => {
      const answered = d.response !== null && i === d.queries.length - 1;
      const r = row({
        ts: ref.ts,
        label: `DNS query ${q}`,
        from: sender,
        to: answered ? dns : far,
        dir: "orig",
        lost: !answered,
        frames: framesOf((t) => t.queries[i]?.n),
        seen: [near, far],
      });
      r.retransmission = i > 0;
      out.push(r);
    });
    if (d.response)
      out.push(
        row({
          ts: d.response.ts,
          label: answerText(d),
          from: dns,
          to: sender,
          dir: "resp",
          lost: sender === near && near > 0,
          frames: framesOf((t) => t.response?.n),
          seen: [far, near],
        }),
      );
  }
  return out;
}

/**
 * Join each ICMP error to the flow whose packet it quotes (DOMAIN.md section 9: Zeek logs ICMP
 * errors as separate records; the quoted 5-tuple names the TCP/UDP flow). When several flows
 * share the 5-tuple over time, the latest one that started before the error wins.
 */
import type { DatagramConnection, IcmpError, TcpConnection } from "./types.js";

type Flow = { uid: string; capture: number; start: number; icmpErrors: number[] };

export function joinIcmpErrors(
  errors: IcmpError[],
  tcp: TcpConnection[],
  datagrams: DatagramConnection[],
): void {
  if (errors.length === 0) return;
  // Index the quoted 5-tuples (few), not every flow (~150k on a big capture): the flows are only
  // looked up, so the index stays the size of the error list.
  const index = new Map<string, Flow[]>();
  for (const e of errors) {
    const q = e.quote;
    if (q && (q.proto === "tcp" || q.proto === "udp"))
      index.set(key(e.ref.capture, q.proto, q.src, q.srcPort, q.dst, q.dstPort), []);
  }
  if (index.size === 0) return;
  for (const c of tcp) {
    const id = c.id;
    index.get(key(c.capture, "tcp", id.origH, id.origP, id.respH, id.respP))?.push(c);
  }
  for (const c of datagrams) {
    const id = c.id;
    if (id.proto === "udp") index.get(key(c.capture, "udp", id.origH, id.origP, id.respH, id.respP))?.push(c);
  }
  for (const e of errors) {
    const q = e.quote;
    if (!q || (q.proto !== "tcp" && q.proto !== "udp")) continue;
    const flows = index.get(key(e.ref.capture, q.proto, q.src, q.srcPort, q.dst, q.dstPort));
    if (!flows || flows.length === 0) continue;
    let best = flows[0];
    for (const f of flows) if (f.start <= e.ref.ts && f.start >= best.start) best = f;
    e.flowUid = best.uid;
    best.icmpErrors.push(e.index);
  }
}

function key(capture: number, proto: string, a: string, ap: number, b: string, bp: number): string {
  const x = `${a}|${ap}`;
  const y = `${b}|${bp}`;
  return x < y ? `${capture}|${proto}|${x}|${y}` : `${capture}|${proto}|${y}|${x}`;
}

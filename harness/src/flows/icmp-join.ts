/**
 * Join each ICMP error to the flow whose packet it quotes (DOMAIN.md section 9: Zeek logs ICMP
 * errors as separate records; the quoted 5-tuple names the TCP/UDP flow). When several flows
 * share the 5-tuple over time, the latest one that started before the error wins.
 */
import type { DatagramConnection, IcmpError, TcpConnection } from "./types.js";

type Flow = { uid: string; capture: number; start: number; icmpErrors: number[] };

export function joinIcmpErrors(errors: IcmpError[], tcp: TcpConnection[], datagrams: DatagramConnection[]): void {
  if (errors.length === 0) return;
  const index = new Map<string, Flow[]>();
  const put = (k: string, f: Flow) => {
    const l = index.get(k);
    if (l) l.push(f);
    else index.set(k, [f]);
  };
  for (const c of tcp) put(key(c.capture, "tcp", c.id.origH, c.id.origP, c.id.respH, c.id.respP), c);
  for (const c of datagrams) if (c.id.proto === "udp") put(key(c.capture, "udp", c.id.origH, c.id.origP, c.id.respH, c.id.respP), c);
  for (const e of errors) {
    const q = e.quote;
    if (!q || (q.proto !== "tcp" && q.proto !== "udp")) continue;
    const flows = index.get(key(e.ref.capture, q.proto, q.src, q.srcPort, q.dst, q.dstPort));
    if (!flows) continue;
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

/**
 * One capture point, analysed on its own: each file gets its own summary so the same connection
 * seen at two points stays two views (conn-groups.ts joins them by 5-tuple and TTL). Each TCP
 * connection is reduced to its row of a ConnTable as it ends (conn-table.ts); its record is not kept,
 * and neither are the datagram flows' records nor the DNS transactions (dns-digest.ts keeps what
 * the rules read of them).
 * In-memory bytes (the error report's BackgroundPacketCapture) go through the same reader.
 */
import { analyzeCapture } from "../flows/index.js";
import type { DnsTransaction, IcmpError, TcpConnection } from "../flows/types.js";
import { ConnTable } from "./conn-table.js";
import { DnsDigest } from "./dns-digest.js";
import type { PointRead } from "./capture-evidence.js";

export type CaptureInput = string | { name: string; bytes: Uint8Array };

export async function analyzeOne(input: CaptureInput): Promise<PointRead> {
  // Like `zeek -C`: a capture taken on the sending host shows checksums the NIC (or veth) fills in
  // later (checksum offload), so a "bad" checksum there is normal and the packet is kept.
  // The table copies what it needs from each record as it comes (conn-table.ts): it may borrow.
  const opts = { ignoreChecksums: true, sinkBorrows: true };
  const tcp = new ConnTable();
  // A record's icmpErrors index into the analyzer's ICMP error list, as it is when the record ends.
  const sink = (c: TcpConnection, icmp: readonly IcmpError[]) => tcp.add(c, icmp);
  const source =
    typeof input === "string"
      ? input
      : {
          name: input.name,
          stream: once(Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength)),
        };
  // Each DNS transaction folded as it ends, with the ICMP errors seen by then (dns-digest.ts).
  const dns = new DnsDigest();
  const dnsSink = (t: DnsTransaction, seq: number, icmp: readonly IcmpError[]) => dns.add(t, seq, icmp);
  // No rule reads the datagram flows (DNS transactions and ICMP errors are kept on their own):
  // the summary need not hold one record per DNS query.
  const summary = await analyzeCapture(source, opts, { tcp: sink, datagrams: () => {}, dns: dnsSink });
  // In the order the connections started, as the summary's records were.
  tcp.seal();
  return { summary, tcp, dns };
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

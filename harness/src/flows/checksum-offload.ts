/**
 * Captures taken on the sending host: with checksum offloading the kernel leaves the TCP/UDP
 * checksum field holding only the pseudo-header sum for the NIC to finish (Linux
 * `tcp_v4_send_check` / `udp4_hwcsum` under CHECKSUM_PARTIAL), and tcpdump sees the packet before
 * the NIC does. On veth pairs nothing ever finishes it, so every packet a container sends and
 * another receives on the same kernel shows that pattern. Such a field is not corruption: a
 * capture whose every wrong checksum is exactly this is read as if with `-C`.
 */
import { readCapture, type CaptureSource } from "../pcap/index.js";
import { decodePacket, newDecodedPacket } from "../decode/packet.js";
import { CK_BAD, CK_OK, IPPROTO } from "../decode/packet.js";
import { fold, sum16 } from "../decode/checksum.js";

export interface ChecksumCensus {
  /** TCP/UDP packets whose checksum verified. */
  ok: number;
  /** Wrong checksums that hold exactly the pseudo-header sum (left for the NIC). */
  offloaded: number;
  /** Other wrong checksums: corruption, or a capture point that changed the packet. */
  corrupt: number;
  /** Source addresses of the offloaded packets, sorted. */
  senders: string[];
}

/** The pseudo-header sum (RFC 9293 section 3.1, RFC 8200 section 8.1), folded, not complemented. */
function pseudoHeaderSum(b: Uint8Array, l3: number, l3Off: number, proto: number, len: number): number {
  const v6 = l3 === 6;
  const src = l3Off + (v6 ? 8 : 12);
  const alen = v6 ? 16 : 4;
  let acc = sum16(b, src, src + 2 * alen, 0);
  acc += proto + (len & 0xffff) + (len >>> 16);
  return fold(acc);
}

export async function checksumCensus(sources: CaptureSource[]): Promise<ChecksumCensus> {
  const out: ChecksumCensus = { ok: 0, offloaded: 0, corrupt: 0, senders: [] };
  const senders = new Set<string>();
  const d = newDecodedPacket();
  for (const source of sources) {
    await readCapture(source, (pkt) => {
      decodePacket(pkt.data, pkt.linkType, d, true);
      if ((d.proto !== IPPROTO.TCP && d.proto !== IPPROTO.UDP) || d.problem || d.ipChecksumBad) return;
      if (d.checksum !== CK_BAD) {
        if (d.checksum === CK_OK) out.ok++;
        return;
      }
      const len = d.proto === IPPROTO.TCP ? d.l4Len : d.payloadLen + 8;
      const field = d.l4Off + (d.proto === IPPROTO.TCP ? 16 : 6);
      const stored = (d.data[field] << 8) | d.data[field + 1];
      if (stored === pseudoHeaderSum(d.data, d.l3, d.l3Off, d.proto, len)) {
        out.offloaded++;
        senders.add(d.src);
      } else out.corrupt++;
    });
  }
  out.senders = [...senders].sort();
  return out;
}

/** Every wrong checksum was left for the NIC: read the capture as if with `-C`. */
export function isSendingHostCapture(c: ChecksumCensus): boolean {
  return c.offloaded > 0 && c.corrupt === 0;
}

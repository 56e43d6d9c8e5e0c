/**
 * ICMP and ICMPv6 errors and the packet they quote (RFC 792; RFC 4443 section 3; RFC 1812
 * section 4.3.2.3 lets routers quote more than 8 bytes). The quote is decoded as far as it goes:
 * a quote with the IP header but fewer than 4 transport bytes still names the two hosts.
 */
import { ipv4String, ipv6String } from "./address.js";

export type IcmpKind =
  "unreachable" | "time-exceeded" | "packet-too-big" | "parameter-problem" | "redirect" | "other";

/** The IP packet an ICMP error quotes (RFC 792; RFC 4443 section 3). */
export interface IcmpQuote {
  proto: "tcp" | "udp" | "icmp" | "unknown_transport";
  /** IP protocol number of the quoted packet. */
  ipProto: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** Zeek's bad_hdr_len: the quote did not hold a full transport header (ports may still be known from the first 8 bytes). */
  incompleteTransport: boolean;
  /** IPv4 TTL / IPv6 hop limit of the quoted packet as the ICMP sender received it. */
  ttl: number;
  /** TCP flags of the quoted segment (when at least 14 transport bytes are quoted), else null. */
  tcpFlags: number | null;
  tcpSeq: number | null;
}

export function icmpKind(v6: boolean, type: number): IcmpKind | null {
  if (!v6) {
    if (type === 3) return "unreachable";
    if (type === 11) return "time-exceeded";
    if (type === 12) return "parameter-problem";
    if (type === 5) return "redirect";
    return null;
  }
  if (type === 1) return "unreachable";
  if (type === 2) return "packet-too-big";
  if (type === 3) return "time-exceeded";
  if (type === 4) return "parameter-problem";
  if (type === 137) return "redirect";
  return null;
}

const V6_EXT = new Set([0, 43, 44, 60, 51, 135, 139, 140]);

/** Decode the quoted IP packet in `d[o, o+len)`. Null when not even the quoted IP header fits. */
export function decodeIcmpQuote(d: Uint8Array, o: number, len: number): IcmpQuote | null {
  const end = Math.min(d.length, o + len);
  if (end - o < 1) return null;
  const ver = d[o] >> 4;
  let proto: number;
  let l4: number;
  let src: string;
  let dst: string;
  let ttl: number;
  if (ver === 4) {
    const ihl = (d[o] & 0x0f) * 4;
    if (ihl < 20 || end - o < ihl) return null;
    proto = d[o + 9];
    ttl = d[o + 8];
    src = ipv4String(d, o + 12);
    dst = ipv4String(d, o + 16);
    l4 = o + ihl;
    const frag = ((d[o + 6] << 8) | d[o + 7]) & 0x1fff;
    if (frag !== 0) return quote(proto, src, dst, ttl, d, l4, 0);
  } else if (ver === 6) {
    if (end - o < 40) return null;
    ttl = d[o + 7];
    src = ipv6String(d, o + 8);
    dst = ipv6String(d, o + 24);
    let nh = d[o + 6];
    l4 = o + 40;
    for (let i = 0; i < 10 && V6_EXT.has(nh); i++) {
      if (l4 + 8 > end) return quote(nh, src, dst, ttl, d, l4, 0, true);
      const elen = nh === 44 ? 8 : nh === 51 ? (d[l4 + 1] + 2) * 4 : (d[l4 + 1] + 1) * 8;
      nh = d[l4];
      l4 += elen;
    }
    proto = nh;
  } else return null;
  return quote(proto, src, dst, ttl, d, l4, Math.max(0, end - l4));
}

function quote(
  ipProto: number,
  src: string,
  dst: string,
  ttl: number,
  d: Uint8Array,
  l4: number,
  avail: number,
  extCut = false,
): IcmpQuote {
  const known = ipProto === 6 || ipProto === 17 || ipProto === 1 || ipProto === 58;
  const portsKnown = !extCut && (ipProto === 6 || ipProto === 17) && avail >= 4;
  const proto =
    extCut || !portsKnown
      ? (ipProto === 1 || ipProto === 58) && avail >= 2
        ? "icmp"
        : "unknown_transport"
      : ipProto === 6
        ? "tcp"
        : "udp";
  const fullHdr = ipProto === 6 ? 20 : ipProto === 17 ? 8 : 8;
  return {
    proto,
    ipProto,
    src,
    dst,
    srcPort: portsKnown ? (d[l4] << 8) | d[l4 + 1] : 0,
    dstPort: portsKnown ? (d[l4 + 2] << 8) | d[l4 + 3] : 0,
    // Zeek's bad_hdr_len: no usable transport header in the quote (ICMP.cc ExtractICMP*Context).
    incompleteTransport: !known || extCut || avail < (ipProto === 6 ? 8 : fullHdr),
    ttl,
    tcpFlags: ipProto === 6 && avail >= 14 ? d[l4 + 13] : null,
    tcpSeq:
      ipProto === 6 && avail >= 8
        ? ((d[l4 + 4] << 24) | (d[l4 + 5] << 16) | (d[l4 + 6] << 8) | d[l4 + 7]) >>> 0
        : null,
  };
}

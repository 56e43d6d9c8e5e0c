/**
 * One packet from link layer to transport header, into a reusable struct (no per-packet objects
 * beyond the two address strings). Payload bytes stay in `data`; upper layers (DNS, TLS, ICMP
 * quotes) decode from `payloadOff`/`payloadLen` on demand.
 */
import { ipv4String, ipv6String } from "./address.js";
import { checksumOk, transportChecksumOk } from "./checksum.js";
import { decodeLink, ETHERTYPE, type LinkResult } from "./link.js";

export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/** Checksum verdicts: not checked (snapped packet, fragment, UDP checksum 0), good, bad. */
export const CK_UNKNOWN = 0;
export const CK_OK = 1;
export const CK_BAD = 2;

export interface DecodedPacket {
  data: Uint8Array;
  /** 0 nothing usable, 4 IPv4, 6 IPv6, 0x806 ARP. */
  l3: number;
  l3Off: number;
  vlan: number;
  src: string;
  dst: string;
  /** IPv4 addresses as numbers (for flow tables); -1 for IPv6. */
  src4: number;
  dst4: number;
  ttl: number;
  /** IP packet length from the header (what Zeek counts as ip bytes). */
  ipLen: number;
  /** Transport protocol number (after IPv6 extension headers). */
  proto: number;
  /** Non-first fragment (offset > 0) or first fragment with more to come. */
  fragment: boolean;
  fragOffset: number;
  l4Off: number;
  /** Transport length per the IP header. */
  l4Len: number;
  /** Transport bytes actually captured. */
  l4Cap: number;
  sport: number;
  dport: number;
  tcpFlags: number;
  seq: number;
  ack: number;
  window: number;
  tcpHdrLen: number;
  payloadOff: number;
  /** Payload length per the headers (on the wire). */
  payloadLen: number;
  /** Payload bytes captured (may be less when snapped). */
  payloadCap: number;
  icmpType: number;
  icmpCode: number;
  checksum: number;
  /** IPv4 header checksum failed (Zeek drops such packets before any transport analysis unless -C). */
  ipChecksumBad: boolean;
  /** Set when the packet could not be decoded as far as its headers claim. */
  problem: string | null;
}

export function newDecodedPacket(): DecodedPacket {
  return {
    data: new Uint8Array(0),
    l3: 0,
    l3Off: 0,
    vlan: -1,
    src: "",
    dst: "",
    src4: -1,
    dst4: -1,
    ttl: 0,
    ipLen: 0,
    proto: 0,
    fragment: false,
    fragOffset: 0,
    l4Off: 0,
    l4Len: 0,
    l4Cap: 0,
    sport: 0,
    dport: 0,
    tcpFlags: 0,
    seq: 0,
    ack: 0,
    window: 0,
    tcpHdrLen: 0,
    payloadOff: 0,
    payloadLen: 0,
    payloadCap: 0,
    icmpType: 0,
    icmpCode: 0,
    checksum: CK_UNKNOWN,
    ipChecksumBad: false,
    problem: null,
  };
}

const link: LinkResult = { etherType: 0, offset: 0, vlan: -1, problem: null };

/** IPv6 extension headers we walk (RFC 8200 section 4): hop-by-hop, routing, fragment, destination options, AH, mobility. */
const V6_EXT = new Set([0, 43, 44, 60, 51, 135, 139, 140]);
const MAX_EXT = 10;

export function decodePacket(
  d: Uint8Array,
  linkType: number,
  p: DecodedPacket,
  verifyChecksums = true,
): DecodedPacket {
  p.data = d;
  p.l3 = 0;
  p.proto = 0;
  p.sport = p.dport = 0;
  p.tcpFlags = 0;
  p.payloadLen = p.payloadCap = 0;
  p.checksum = CK_UNKNOWN;
  p.ipChecksumBad = false;
  p.fragment = false;
  p.fragOffset = 0;
  p.problem = null;
  decodeLink(d, linkType, link);
  p.vlan = link.vlan;
  if (link.problem) {
    p.problem = link.problem;
    return p;
  }
  const o = link.offset;
  p.l3Off = o;
  if (link.etherType === ETHERTYPE.ARP) {
    p.l3 = 0x806;
    return p;
  }
  let srcOff = 0;
  let dstOff = 0;
  let v6 = false;
  if (link.etherType === ETHERTYPE.IPV4) {
    if (d.length < o + 20) return fail(p, "packet ends inside the IPv4 header");
    const ihl = (d[o] & 0x0f) * 4;
    if (d[o] >> 4 !== 4 || ihl < 20) return fail(p, "not a valid IPv4 header");
    if (d.length < o + ihl) return fail(p, "packet ends inside the IPv4 options");
    p.l3 = 4;
    if (verifyChecksums && !checksumOk(d, o, ihl)) p.ipChecksumBad = true;
    p.ipLen = (d[o + 2] << 8) | d[o + 3];
    if (p.ipLen < ihl) p.ipLen = d.length - o; // TSO captures write 0 here
    const frag = (d[o + 6] << 8) | d[o + 7];
    p.fragOffset = (frag & 0x1fff) * 8;
    p.fragment = p.fragOffset > 0 || (frag & 0x2000) !== 0;
    p.ttl = d[o + 8];
    p.proto = d[o + 9];
    p.src = ipv4String(d, o + 12);
    p.dst = ipv4String(d, o + 16);
    p.src4 = d[o + 12] * 0x100_0000 + ((d[o + 13] << 16) | (d[o + 14] << 8) | d[o + 15]);
    p.dst4 = d[o + 16] * 0x100_0000 + ((d[o + 17] << 16) | (d[o + 18] << 8) | d[o + 19]);
    srcOff = o + 12;
    dstOff = o + 16;
    p.l4Off = o + ihl;
    p.l4Len = p.ipLen - ihl;
  } else if (link.etherType === ETHERTYPE.IPV6) {
    if (d.length < o + 40) return fail(p, "packet ends inside the IPv6 header");
    v6 = true;
    p.l3 = 6;
    const plen = (d[o + 4] << 8) | d[o + 5];
    p.ipLen = 40 + plen;
    p.ttl = d[o + 7];
    p.src = ipv6String(d, o + 8);
    p.dst = ipv6String(d, o + 24);
    p.src4 = p.dst4 = -1;
    srcOff = o + 8;
    dstOff = o + 24;
    let nh = d[o + 6];
    let off = o + 40;
    for (let i = 0; i < MAX_EXT && V6_EXT.has(nh); i++) {
      if (off + 8 > d.length) {
        p.proto = nh;
        p.l4Off = off;
        p.l4Len = 0;
        p.l4Cap = 0;
        return fail(p, "packet ends inside an IPv6 extension header");
      }
      if (nh === 44) {
        const fo = (d[off + 2] << 8) | d[off + 3];
        p.fragOffset = fo & 0xfff8;
        p.fragment = true;
      }
      const len = nh === 44 ? 8 : nh === 51 ? (d[off + 1] + 2) * 4 : (d[off + 1] + 1) * 8;
      nh = d[off];
      off += len;
    }
    p.proto = nh;
    p.l4Off = off;
    p.l4Len = o + p.ipLen - off;
  } else {
    return p; // not IP (LLDP, STP, ...): nothing to say
  }
  p.l4Cap = Math.max(0, Math.min(d.length, o + p.ipLen) - p.l4Off);
  if (p.l4Len < 0) return fail(p, "IP length shorter than its headers");
  if (p.fragment && p.fragOffset > 0) return p; // later fragments carry no transport header
  const l4 = p.l4Off;
  const full = p.l4Cap >= p.l4Len && !p.fragment;
  switch (p.proto) {
    case IPPROTO.TCP: {
      if (p.l4Cap < 20) return fail(p, "packet ends inside the TCP header");
      p.sport = (d[l4] << 8) | d[l4 + 1];
      p.dport = (d[l4 + 2] << 8) | d[l4 + 3];
      p.seq = ((d[l4 + 4] << 24) | (d[l4 + 5] << 16) | (d[l4 + 6] << 8) | d[l4 + 7]) >>> 0;
      p.ack = ((d[l4 + 8] << 24) | (d[l4 + 9] << 16) | (d[l4 + 10] << 8) | d[l4 + 11]) >>> 0;
      p.tcpHdrLen = (d[l4 + 12] >> 4) * 4;
      p.tcpFlags = d[l4 + 13];
      p.window = (d[l4 + 14] << 8) | d[l4 + 15];
      if (p.tcpHdrLen < 20 || p.tcpHdrLen > p.l4Len)
        return fail(p, `TCP header length ${p.tcpHdrLen} is invalid`);
      p.payloadOff = l4 + p.tcpHdrLen;
      p.payloadLen = p.l4Len - p.tcpHdrLen;
      p.payloadCap = Math.max(0, Math.min(p.payloadLen, p.l4Cap - p.tcpHdrLen));
      if (verifyChecksums && full)
        p.checksum = transportChecksumOk(d, v6, srcOff, dstOff, 6, l4, p.l4Len) ? CK_OK : CK_BAD;
      return p;
    }
    case IPPROTO.UDP: {
      if (p.l4Cap < 8) return fail(p, "packet ends inside the UDP header");
      p.sport = (d[l4] << 8) | d[l4 + 1];
      p.dport = (d[l4 + 2] << 8) | d[l4 + 3];
      const ulen = (d[l4 + 4] << 8) | d[l4 + 5];
      if (ulen < 8 || ulen > p.l4Len) {
        p.problem = `UDP length ${ulen} disagrees with the IP length`;
        p.payloadLen = Math.max(0, p.l4Len - 8);
      } else p.payloadLen = ulen - 8;
      p.payloadOff = l4 + 8;
      p.payloadCap = Math.max(0, Math.min(p.payloadLen, p.l4Cap - 8));
      const ck = (d[l4 + 6] << 8) | d[l4 + 7];
      // A zero UDP checksum over IPv4 means "not computed" (RFC 768).
      if (verifyChecksums && full && !(ck === 0 && !v6) && p.problem === null)
        p.checksum = transportChecksumOk(d, v6, srcOff, dstOff, 17, l4, p.payloadLen + 8) ? CK_OK : CK_BAD;
      return p;
    }
    case IPPROTO.ICMP:
    case IPPROTO.ICMPV6: {
      if (p.l4Cap < 4) return fail(p, "packet ends inside the ICMP header");
      p.icmpType = d[l4];
      p.icmpCode = d[l4 + 1];
      p.payloadOff = l4 + 8;
      p.payloadLen = Math.max(0, p.l4Len - 8);
      p.payloadCap = Math.max(0, Math.min(p.payloadLen, p.l4Cap - 8));
      if (verifyChecksums && full)
        p.checksum = (
          v6 ? transportChecksumOk(d, true, srcOff, dstOff, 58, l4, p.l4Len) : checksumOk(d, l4, p.l4Len)
        )
          ? CK_OK
          : CK_BAD;
      return p;
    }
    default:
      return p;
  }
}

function fail(p: DecodedPacket, msg: string): DecodedPacket {
  p.problem = msg;
  return p;
}

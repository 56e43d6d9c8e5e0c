/**
 * Link layers to the network header. Link type numbers from tcpdump.org/linktypes.html.
 * Returns the EtherType of the payload and its offset, or etherType 0 when there is no IP/ARP.
 */

export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  FABRICPATH: 0x8903,
} as const;

export interface LinkResult {
  etherType: number;
  offset: number;
  /** Innermost VLAN id, or -1. */
  vlan: number;
  /** Why nothing could be decoded (null when fine or simply not IP). */
  problem: string | null;
}

const MAX_TAGS = 8;

function ethernet(d: Uint8Array, out: LinkResult, start: number): void {
  let o = start + 12;
  // Bounded: at most MAX_TAGS VLAN tags (802.1Q, 802.1ad) and one FabricPath wrapper.
  for (let i = 0; i < MAX_TAGS + 1; i++) {
    if (o + 2 > d.length) {
      out.problem = "frame ends inside the Ethernet header";
      return;
    }
    const t = (d[o] << 8) | d[o + 1];
    if (t === ETHERTYPE.VLAN || t === ETHERTYPE.QINQ || t === ETHERTYPE.QINQ_OLD) {
      if (o + 4 > d.length) break;
      out.vlan = ((d[o + 2] << 8) | d[o + 3]) & 0x0fff;
      o += 4;
      continue;
    }
    if (t === ETHERTYPE.FABRICPATH) {
      // Cisco FabricPath: 16-byte outer header (the 2 bytes after the EtherType are FTag/TTL), then a whole Ethernet frame.
      o += 4 + 12;
      continue;
    }
    out.etherType = t >= 0x0600 ? t : 0; // below 0x600 it is an 802.3 length (LLC), never IP
    out.offset = o + 2;
    return;
  }
  out.problem = "too many VLAN tags";
}

function byVersion(d: Uint8Array, o: number, out: LinkResult): void {
  if (o >= d.length) {
    out.problem = "packet ends before the IP header";
    return;
  }
  const v = d[o] >> 4;
  out.etherType = v === 4 ? ETHERTYPE.IPV4 : v === 6 ? ETHERTYPE.IPV6 : 0;
  out.offset = o;
}

/** Fill `out` for one packet of the given link type. Unknown link types leave etherType 0 and set a problem. */
export function decodeLink(d: Uint8Array, linkType: number, out: LinkResult): void {
  out.etherType = 0;
  out.offset = 0;
  out.vlan = -1;
  out.problem = null;
  switch (linkType) {
    case 1: // Ethernet
      return ethernet(d, out, 0);
    case 113: // Linux cooked v1: protocol type at 14, header 16 bytes
      if (d.length < 16) out.problem = "packet ends inside the SLL header";
      else {
        out.etherType = (d[14] << 8) | d[15];
        out.offset = 16;
        if (out.etherType === ETHERTYPE.VLAN && d.length >= 20) {
          out.vlan = ((d[16] << 8) | d[17]) & 0xfff;
          out.etherType = (d[18] << 8) | d[19];
          out.offset = 20;
        }
      }
      return;
    case 276: // Linux cooked v2: protocol type at 0, header 20 bytes
      if (d.length < 20) out.problem = "packet ends inside the SLL2 header";
      else {
        out.etherType = (d[0] << 8) | d[1];
        out.offset = 20;
      }
      return;
    case 101: // raw IP
    case 12: // raw IP on OpenBSD
    case 14:
    case 228: // IPv4
    case 229: // IPv6
      return byVersion(d, 0, out);
    case 0: // BSD loopback, host-order AF
    case 108: // OpenBSD loopback, network-order AF
      return byVersion(d, 4, out);
    default:
      out.problem = `link type ${linkType} is not supported`;
  }
}

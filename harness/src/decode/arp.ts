/** ARP for IPv4 over Ethernet (RFC 826). */
import { ipv4String, macString } from "./address.js";

export interface ArpMessage {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** Null when the message is not Ethernet/IPv4 ARP or is cut short. */
export function decodeArp(d: Uint8Array, o: number): ArpMessage | null {
  if (d.length < o + 28) return null;
  const htype = (d[o] << 8) | d[o + 1];
  const ptype = (d[o + 2] << 8) | d[o + 3];
  if (htype !== 1 || ptype !== 0x0800 || d[o + 4] !== 6 || d[o + 5] !== 4) return null;
  return {
    op: (d[o + 6] << 8) | d[o + 7],
    senderMac: macString(d, o + 8),
    senderIp: ipv4String(d, o + 14),
    targetMac: macString(d, o + 18),
    targetIp: ipv4String(d, o + 24),
  };
}

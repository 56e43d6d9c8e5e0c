/**
 * ARP requests that got no reply: a next hop that never answered (DOMAIN.md section 8, "ARP
 * failure on the last hop"). A reply from the requested address, or any ARP it sends, answers it.
 */
import type { ArpMessage } from "../decode/arp.js";
import type { ArpUnanswered, PacketRef } from "./types.js";

export class ArpTracker {
  private pending = new Map<string, ArpUnanswered>();

  message(capture: number, m: ArpMessage, ref: PacketRef): void {
    // Anything sent by the target proves it is alive on the segment.
    this.pending.delete(`${capture}|${m.senderIp}`);
    if (m.op !== 1 || m.senderIp === m.targetIp) return; // replies, and gratuitous ARP
    const key = `${capture}|${m.targetIp}`;
    let u = this.pending.get(key);
    if (!u) {
      u = { capture, targetIp: m.targetIp, senderIp: m.senderIp, senderMac: m.senderMac, requests: [] };
      this.pending.set(key, u);
    }
    if (u.requests.length < 1000) u.requests.push(ref);
  }

  unanswered(): ArpUnanswered[] {
    return [...this.pending.values()];
  }
}

/**
 * Second copies of one packet in one capture: a capture on several interfaces of a host that
 * forwards (`tcpdump -i any` on a router or firewall, dumpcap on both of its legs) holds each
 * forwarded packet once per leg, the later copy with the TTL one lower. Read twice, every segment
 * would look retransmitted and every DNS query asked twice. A copy is the same IP packet
 * (addresses, protocol, length, IPv4 identification, its transport header with the TCP options
 * and the first payload bytes, compared by a 32-bit hash) within COPY_WINDOW of the first and
 * with the TTL exactly one lower: the sender's own repeat (a retransmission, a duplicate ACK)
 * leaves with the same TTL.
 */
import type { DecodedPacket } from "../decode/packet.js";

/** Seconds: far below any retransmission timeout, far above a forwarding delay. */
const COPY_WINDOW = 0.02;
/**
 * Recent packets per capture, by their hash in a direct-mapped table: one look per packet, and a
 * copy finds its first in its slot unless a packet of the same slot came in between.
 */
const SLOTS = 1024;
/** Payload bytes hashed beyond the transport header. */
const PAYLOAD_BYTES = 16;

class Table {
  readonly hash = new Int32Array(SLOTS);
  readonly ts = new Float64Array(SLOTS).fill(-Infinity);
  readonly ttl = new Int16Array(SLOTS);
}

export class CopyFilter {
  private readonly tables = new Map<number, Table>();
  /** Copies dropped, per capture. */
  readonly dropped = new Map<number, number>();
  /** The table of the capture looked at last (packets come a capture at a time). */
  private lastCapture = -1;
  private last: Table | undefined;

  /** Whether `d` (at `ts` in `capture`) repeats a packet just seen; remembers it when not. */
  isCopy(d: DecodedPacket, capture: number, ts: number): boolean {
    if (d.l3 !== 4 && d.l3 !== 6) return false;
    const h = packetHash(d);
    let t = capture === this.lastCapture ? this.last : this.tables.get(capture);
    if (!t) this.tables.set(capture, (t = new Table()));
    this.lastCapture = capture;
    this.last = t;
    const i = h & (SLOTS - 1);
    if (t.hash[i] === h && t.ttl[i] - d.ttl === 1 && ts >= t.ts[i] && ts - t.ts[i] <= COPY_WINDOW) {
      this.dropped.set(capture, (this.dropped.get(capture) ?? 0) + 1);
      // The copy takes the slot: a third leg's copy is one lower again.
      t.ttl[i] = d.ttl;
      return true;
    }
    t.hash[i] = h;
    t.ts[i] = ts;
    t.ttl[i] = d.ttl;
    return false;
  }
}

/** FNV-1a over the bytes that stay the same when a router forwards the packet. */
function packetHash(d: DecodedPacket): number {
  const b = d.data;
  const o = d.l3Off;
  let h = 0x811c9dc5;
  // IPv4: length and identification (bytes 2-5), protocol, addresses; IPv6: payload length, next header, addresses.
  if (d.l3 === 4) {
    h = mix(h, b, o + 2, o + 6);
    h = mix(h, b, o + 9, o + 10);
    h = mix(h, b, o + 12, o + 20);
  } else {
    h = mix(h, b, o + 4, o + 7);
    h = mix(h, b, o + 8, o + 40);
  }
  const header = d.proto === 6 ? d.tcpHdrLen : 8;
  return mix(h, b, d.l4Off, d.l4Off + Math.min(header + PAYLOAD_BYTES, d.l4Cap)) | 0;
}

/** FNV-1a steps over b[from, to) (a plain function: a closure over `h` would be made per packet). */
function mix(h: number, b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}

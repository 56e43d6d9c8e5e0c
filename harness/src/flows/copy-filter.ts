/**
 * Second copies of one packet in one capture: a capture on several interfaces of a host that
 * forwards (`tcpdump -i any` on a router or firewall, dumpcap on both of its legs) holds each
 * forwarded packet once per leg, the later copy with the TTL one lower. Read twice, every segment
 * would look retransmitted and every DNS query asked twice. A copy is the same IP packet
 * (addresses, protocol, length, IPv4 identification, its transport header with the TCP options
 * and the first payload bytes) within COPY_WINDOW of the first and with the TTL exactly one lower:
 * the sender's own repeat (a retransmission, a duplicate ACK) leaves with the same TTL.
 */
import type { DecodedPacket } from "../decode/packet.js";

/** Seconds: far below any retransmission timeout, far above a forwarding delay. */
const COPY_WINDOW = 0.02;
/** Recent packets remembered per capture: enough for the packets of one forwarding delay. */
const RECENT = 64;
/** Payload bytes compared beyond the transport header. */
const PAYLOAD_BYTES = 16;

interface Seen {
  key: string;
  ts: number;
  ttl: number;
}

export class CopyFilter {
  private readonly recent = new Map<number, Seen[]>();
  private readonly next = new Map<number, number>();
  /** Copies dropped, per capture. */
  readonly dropped = new Map<number, number>();

  /** Whether `d` (at `ts` in `capture`) repeats a packet just seen; remembers it when not. */
  isCopy(d: DecodedPacket, capture: number, ts: number): boolean {
    const key = packetKey(d);
    if (key === null) return false;
    let ring = this.recent.get(capture);
    if (!ring) this.recent.set(capture, (ring = []));
    for (const s of ring)
      if (s.key === key && ts - s.ts >= 0 && ts - s.ts <= COPY_WINDOW && s.ttl - d.ttl === 1) {
        this.dropped.set(capture, (this.dropped.get(capture) ?? 0) + 1);
        return true;
      }
    const i = this.next.get(capture) ?? 0;
    ring[i] = { key, ts, ttl: d.ttl };
    this.next.set(capture, (i + 1) % RECENT);
    return false;
  }
}

function packetKey(d: DecodedPacket): string | null {
  if (d.l3 !== 4 && d.l3 !== 6) return null;
  const b = d.data;
  const header = d.proto === 6 ? d.tcpHdrLen : 8;
  const n = Math.min(header + PAYLOAD_BYTES, d.l4Cap);
  let k = `${d.src}|${d.dst}|${d.proto}|${d.ipLen}|`;
  if (d.l3 === 4) k += `${(b[d.l3Off + 4] << 8) | b[d.l3Off + 5]}|`;
  for (let i = 0; i < n; i++) k += String.fromCharCode(b[d.l4Off + i]);
  return k;
}

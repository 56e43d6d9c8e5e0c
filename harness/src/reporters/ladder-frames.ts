/**
 * Reads back the few frames a ladder draws, by frame number, from one capture file: the first
 * line of each frame's TCP payload and its Ethernet addresses, plus who answered ARP for which
 * address. The flow analysis keeps no payloads (its memory stays bounded on large captures), so
 * the ladder re-reads only what it shows: one streaming pass that keeps at most the wanted
 * frames and a capped ARP table, and stops after the last wanted frame.
 */
import { readCapture } from "../pcap/index.js";
import { decodeArp, decodePacket, IPPROTO, macString, newDecodedPacket } from "../decode/index.js";

export interface FrameFacts {
  /** Ethernet source and destination (Ethernet captures only). */
  macs: { src: string; dst: string } | null;
  /** The payload's first line when it is printable text (an HTTP request or status line). */
  firstLine: string | null;
}

export interface CaptureFacts {
  frames: Map<number, FrameFacts>;
  /** MAC -> IPv4 address, from ARP senders seen up to the last wanted frame. */
  arp: Map<string, string>;
}

const MAX_ARP = 64;
const MAX_LINE = 160;
const ETHERNET = 1;

/** The first line of a payload, or null when it is not printable ASCII text (TLS, binary). */
export function firstTextLine(d: Uint8Array, off: number, len: number): string | null {
  const end = Math.min(off + len, d.length, off + MAX_LINE);
  let i = off;
  for (; i < end; i++) {
    const c = d[i];
    if (c === 0x0d || c === 0x0a) break;
    if (c < 0x20 || c > 0x7e) return null;
  }
  return i > off ? Buffer.from(d.subarray(off, i)).toString("latin1") : null;
}

/** Thrown from the packet callback to stop reading once the last wanted frame has gone by. */
const ENOUGH = Symbol("enough");

export async function readLadderFrames(path: string, wanted: ReadonlySet<number>): Promise<CaptureFacts> {
  const out: CaptureFacts = { frames: new Map(), arp: new Map() };
  if (!wanted.size) return out;
  const last = Math.max(...wanted);
  const p = newDecodedPacket();
  try {
    // The callback form reuses one buffer per packet (no copies); only strings are kept.
    await readCapture(path, (raw) => {
      if (raw.n > last) throw ENOUGH;
      decodePacket(raw.data, raw.linkType, p, false);
      if (p.l3 === 0x806) {
        const a = decodeArp(raw.data, p.l3Off);
        if (a && out.arp.size < MAX_ARP) out.arp.set(a.senderMac, a.senderIp);
        return;
      }
      if (!wanted.has(raw.n)) return;
      const eth = raw.linkType === ETHERNET && raw.data.length >= 12;
      out.frames.set(raw.n, {
        macs: eth ? { dst: macString(raw.data, 0), src: macString(raw.data, 6) } : null,
        firstLine:
          p.proto === IPPROTO.TCP && p.payloadCap > 0
            ? firstTextLine(raw.data, p.payloadOff, p.payloadCap)
            : null,
      });
    });
  } catch (e) {
    if (e !== ENOUGH) throw e;
  }
  return out;
}

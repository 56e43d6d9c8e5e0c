/**
 * Classic pcap writer (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): for test
 * fixtures and the benchmark. Buffers records and writes them in large chunks so a million packets
 * cost a few hundred write calls, not a million.
 */
import { openSync, writeSync, closeSync } from "node:fs";
import { BacksideError } from "../errors.js";

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export interface PcapWriterOptions {
  linkType?: number;
  /** Nanosecond-resolution magic (0xa1b23c4d). Default false (microseconds). */
  nanos?: boolean;
  /** Write big-endian headers (as a big-endian host would). Default false. */
  bigEndian?: boolean;
  snaplen?: number;
}

export interface PacketRecord {
  /** Seconds since the epoch. */
  ts: number;
  data: Uint8Array;
  /** Original length on the wire (defaults to data.length; larger means snapped). */
  origLen?: number;
}

const CHUNK = 1 << 20;

export class PcapWriter {
  private fd: number;
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private readonly nanos: boolean;
  private readonly be: boolean;
  private closed = false;
  count = 0;

  constructor(path: string, opts: PcapWriterOptions = {}) {
    try {
      this.fd = openSync(path, "w");
    } catch (e) {
      throw new BacksideError("NOT_FOUND", `cannot create capture file ${path}`, { cause: e });
    }
    this.nanos = opts.nanos ?? false;
    this.be = opts.bigEndian ?? false;
    const h = Buffer.alloc(24);
    const u32 = (v: number, o: number) => (this.be ? h.writeUInt32BE(v, o) : h.writeUInt32LE(v, o));
    const u16 = (v: number, o: number) => (this.be ? h.writeUInt16BE(v, o) : h.writeUInt16LE(v, o));
    u32(this.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
    u16(2, 4);
    u16(4, 6);
    u32(opts.snaplen ?? 262144, 16);
    u32(opts.linkType ?? LINKTYPE.ETHERNET, 20);
    this.append(h);
  }

  write(ts: number, data: Uint8Array, origLen = data.length): void {
    if (this.closed) throw new BacksideError("INTERNAL", "PcapWriter.write after close");
    if (this.used + 16 + data.length > CHUNK) this.flush();
    if (16 + data.length > CHUNK) {
      const big = Buffer.alloc(16 + data.length);
      this.header(big, 0, ts, data.length, origLen);
      big.set(data, 16);
      writeSync(this.fd, big);
    } else {
      this.header(this.buf, this.used, ts, data.length, origLen);
      this.buf.set(data, this.used + 16);
      this.used += 16 + data.length;
    }
    this.count++;
  }

  /** Raw bytes appended as-is (tests use this to write garbage or cut records). */
  append(bytes: Uint8Array): void {
    if (this.used + bytes.length > CHUNK) this.flush();
    if (bytes.length > CHUNK) writeSync(this.fd, bytes);
    else {
      this.buf.set(bytes, this.used);
      this.used += bytes.length;
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buf, 0, this.used);
    this.used = 0;
  }

  private header(b: Buffer, o: number, ts: number, incl: number, orig: number): void {
    let sec = Math.floor(ts);
    const scale = this.nanos ? 1e9 : 1e6;
    let frac = Math.round((ts - sec) * scale);
    if (frac >= scale) {
      sec += 1;
      frac -= scale;
    }
    if (this.be) {
      b.writeUInt32BE(sec >>> 0, o);
      b.writeUInt32BE(frac, o + 4);
      b.writeUInt32BE(incl, o + 8);
      b.writeUInt32BE(orig, o + 12);
    } else {
      b.writeUInt32LE(sec >>> 0, o);
      b.writeUInt32LE(frac, o + 4);
      b.writeUInt32LE(incl, o + 8);
      b.writeUInt32LE(orig, o + 12);
    }
  }
}

/** Write a whole capture at once. */
export function writePcap(path: string, packets: Iterable<PacketRecord>, opts: PcapWriterOptions = {}): void {
  const w = new PcapWriter(path, opts);
  try {
    for (const p of packets) w.write(p.ts, p.data, p.origLen);
  } finally {
    w.close();
  }
}

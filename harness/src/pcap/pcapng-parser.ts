/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks `type, total length, body, total length`.
 * A Section Header Block sets the byte order (its byte-order magic) and resets the interface list;
 * each Interface Description Block gives a link type and timestamp resolution (if_tsresol, option 9)
 * and offset (if_tsoffset, option 14). Packets come in Enhanced (6), Simple (3) or obsolete (2) blocks;
 * every other block type is skipped by its length.
 */
import type { CaptureInfo, CaptureParser, RawPacket, ReadProblem } from "./types.js";

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const MAX_BLOCK = 64 * 1024 * 1024;

interface Iface {
  linkType: number;
  snaplen: number;
  /** Seconds per timestamp tick. */
  tick: number;
  /** Ticks per second when the resolution is a power of ten (exact division), else 0. */
  perSec: number;
  offsetSec: number;
}

export class PcapngParser implements CaptureParser {
  stopped = false;
  private le = true;
  private ifaces: Iface[] = [];
  private lastTs = 0;
  private readonly pkt: RawPacket;

  constructor(
    private readonly info: CaptureInfo,
    private readonly problems: ReadProblem[],
    private readonly onPacket: (p: RawPacket) => void,
    capture: number,
  ) {
    this.pkt = { capture, n: 0, ts: 0, linkType: 1, iface: 0, data: Buffer.alloc(0), origLen: 0, offset: 0 };
  }

  private problem(kind: ReadProblem["kind"], offset: number, message: string): void {
    this.problems.push({ kind, capture: this.pkt.capture, offset, packet: null, message });
  }

  parse(buf: Buffer, base: number): number {
    let pos = 0;
    const end = buf.length;
    // Bounded: each pass consumes a whole block (at least 12 bytes) or returns.
    while (pos + 12 <= end) {
      const typeLE = buf.readUInt32LE(pos);
      if (typeLE === PCAPNG_SHB) {
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (buf.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) this.le = false;
        else {
          this.problem(
            "bad-block",
            base + pos,
            "section header with an unknown byte-order magic; the rest of the file cannot be framed",
          );
          this.info.truncated = true;
          this.stopped = true;
          return end;
        }
      }
      const le = this.le;
      const type = le ? typeLE : buf.readUInt32BE(pos);
      const len = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
        this.problem(
          "bad-block",
          base + pos,
          `block of type 0x${type.toString(16)} has impossible length ${len}; the rest of the file cannot be framed`,
        );
        this.info.truncated = true;
        this.stopped = true;
        return end;
      }
      if (pos + len > end) break;
      const trailer = le ? buf.readUInt32LE(pos + len - 4) : buf.readUInt32BE(pos + len - 4);
      if (trailer !== len)
        this.problem(
          "bad-block",
          base + pos,
          `block of type 0x${type.toString(16)}: trailing length ${trailer} differs from ${len}`,
        );
      this.block(type, buf, pos, len, base);
      pos += len;
    }
    return pos;
  }

  private u32(b: Buffer, o: number): number {
    return this.le ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }
  private u16(b: Buffer, o: number): number {
    return this.le ? b.readUInt16LE(o) : b.readUInt16BE(o);
  }

  private block(type: number, b: Buffer, pos: number, len: number, base: number): void {
    switch (type) {
      case PCAPNG_SHB:
        this.ifaces = [];
        return;
      case 1:
        return this.idb(b, pos, len, base);
      case 6:
      case 2: {
        if (len < 32) return this.problem("bad-block", base + pos, "packet block too short");
        const ifId = type === 6 ? this.u32(b, pos + 8) : this.u16(b, pos + 8);
        const hi = this.u32(b, pos + 12);
        const lo = this.u32(b, pos + 16);
        const cap = this.u32(b, pos + 20);
        const orig = this.u32(b, pos + 24);
        const iface = this.ifaces[ifId];
        if (!iface) return this.problem("bad-block", base + pos, `packet on undeclared interface ${ifId}`);
        if (28 + cap > len - 4)
          return this.problem("bad-block", base + pos, `captured length ${cap} overruns its block`);
        const ticks = hi * 4294967296 + lo;
        const ts = iface.perSec
          ? iface.offsetSec + Math.floor(ticks / iface.perSec) + (ticks % iface.perSec) / iface.perSec
          : iface.offsetSec + ticks * iface.tick;
        return this.emit(b.subarray(pos + 28, pos + 28 + cap), ts, orig, ifId, iface, base + pos);
      }
      case 3: {
        // Simple Packet Block: no interface id (always 0) and no timestamp; keep the previous time.
        const iface = this.ifaces[0];
        if (!iface) return this.problem("bad-block", base + pos, "simple packet block without an interface");
        const orig = this.u32(b, pos + 8);
        const cap = Math.min(orig, len - 16, iface.snaplen || orig);
        return this.emit(b.subarray(pos + 12, pos + 12 + cap), this.lastTs, orig, 0, iface, base + pos);
      }
      default:
        return; // name resolution, statistics, custom, decryption secrets...: not needed here
    }
  }

  private idb(b: Buffer, pos: number, len: number, base: number): void {
    if (len < 20) return this.problem("bad-block", base + pos, "interface description block too short");
    const iface: Iface = {
      linkType: this.u16(b, pos + 8),
      snaplen: this.u32(b, pos + 12),
      tick: 1e-6,
      perSec: 1e6,
      offsetSec: 0,
    };
    let o = pos + 16;
    const stop = pos + len - 4;
    // Options: code, length, value padded to 4 (section 3.5). Bounded by the block.
    while (o + 4 <= stop) {
      const code = this.u16(b, o);
      const olen = this.u16(b, o + 2);
      if (code === 0 || o + 4 + olen > stop) break;
      if (code === 9 && olen >= 1) {
        const v = b[o + 4];
        if (v & 0x80) {
          iface.tick = Math.pow(2, -(v & 0x7f));
          iface.perSec = 0;
        } else {
          iface.tick = Math.pow(10, -v);
          iface.perSec = v <= 15 ? Math.pow(10, v) : 0;
        }
      } else if (code === 14 && olen >= 8) {
        const hi = this.u32(b, o + 4 + (this.le ? 4 : 0));
        const lo = this.u32(b, o + 4 + (this.le ? 0 : 4));
        iface.offsetSec = hi * 4294967296 + lo;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    this.ifaces.push(iface);
    if (!this.info.linkTypes.includes(iface.linkType)) this.info.linkTypes.push(iface.linkType);
  }

  private emit(data: Buffer, ts: number, orig: number, ifId: number, iface: Iface, offset: number): void {
    const p = this.pkt;
    p.n = ++this.info.packets;
    p.ts = ts;
    p.data = data;
    p.origLen = orig;
    p.iface = ifId;
    p.linkType = iface.linkType;
    p.offset = offset;
    this.lastTs = ts;
    if (this.info.firstTs === null) this.info.firstTs = ts;
    this.info.lastTs = ts;
    this.onPacket(p);
  }
}

/**
 * Test helper: write pcapng files block by block (draft-ietf-opsawg-pcapng), in either byte
 * order, with several interfaces and sections, so reader tests cover what dumpcap writes.
 */
export interface NgInterface {
  linkType: number;
  /** if_tsresol value: 6 = microseconds (default), 9 = nanoseconds, 0x80|n = 2^-n. */
  tsresol?: number;
  snaplen?: number;
}

export class PcapngBuilder {
  private parts: Buffer[] = [];
  constructor(private readonly bigEndian = false) {}

  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.bigEndian) b.writeUInt32BE(v >>> 0);
    else b.writeUInt32LE(v >>> 0);
    return b;
  }
  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.bigEndian) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    return b;
  }

  /** Any block: type, length, body padded to 4, length. */
  block(type: number, body: Buffer): this {
    const pad = (4 - (body.length % 4)) % 4;
    const len = 12 + body.length + pad;
    this.parts.push(this.u32(type), this.u32(len), body, Buffer.alloc(pad), this.u32(len));
    return this;
  }

  section(): this {
    return this.block(
      0x0a0d0d0a,
      Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)]),
    );
  }

  iface(i: NgInterface): this {
    const opts: Buffer[] = [];
    if (i.tsresol !== undefined) opts.push(this.u16(9), this.u16(1), Buffer.from([i.tsresol, 0, 0, 0]));
    opts.push(this.u16(0), this.u16(0));
    return this.block(
      1,
      Buffer.concat([this.u16(i.linkType), this.u16(0), this.u32(i.snaplen ?? 262144), ...opts]),
    );
  }

  /** Enhanced Packet Block; `ticks` in the interface's resolution. */
  epb(ifId: number, ticks: bigint, data: Uint8Array, origLen = data.length): this {
    return this.block(
      6,
      Buffer.concat([
        this.u32(ifId),
        this.u32(Number(ticks >> 32n)),
        this.u32(Number(ticks & 0xffffffffn)),
        this.u32(data.length),
        this.u32(origLen),
        Buffer.from(data),
      ]),
    );
  }

  /** Simple Packet Block (interface 0, no timestamp). */
  spb(data: Uint8Array): this {
    return this.block(3, Buffer.concat([this.u32(data.length), Buffer.from(data)]));
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

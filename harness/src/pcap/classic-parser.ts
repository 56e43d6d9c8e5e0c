/**
 * Classic libpcap format (draft-ietf-opsawg-pcap section 4): 24-byte file header, then 16-byte
 * record headers. The magic's byte order is the writer's; 0xa1b23c4d means nanosecond stamps.
 */
import type { CaptureInfo, CaptureParser, RawPacket, ReadProblem } from "./types.js";

/** Larger than any real snap length (tcpdump's maximum is 262144): a bigger record length is garbage. */
const MAX_RECORD = 16 * 1024 * 1024;

export const PCAP_MAGICS = { MICRO: 0xa1b2c3d4, NANO: 0xa1b23c4d } as const;

export class ClassicPcapParser implements CaptureParser {
  stopped = false;
  private headerDone = false;
  private le = true;
  private scale = 1e-6;
  private linkType = 1;
  private readonly pkt: RawPacket;

  constructor(
    private readonly info: CaptureInfo,
    private readonly problems: ReadProblem[],
    private readonly onPacket: (p: RawPacket) => void,
    capture: number,
  ) {
    this.pkt = { capture, n: 0, ts: 0, linkType: 1, iface: 0, data: Buffer.alloc(0), origLen: 0, offset: 0 };
  }

  parse(buf: Buffer, base: number): number {
    let pos = 0;
    if (!this.headerDone) {
      if (buf.length < 24) return 0;
      const m = buf.readUInt32LE(0);
      this.le = m === PCAP_MAGICS.MICRO || m === PCAP_MAGICS.NANO;
      const magic = this.le ? m : buf.readUInt32BE(0);
      this.scale = magic === PCAP_MAGICS.NANO ? 1e-9 : 1e-6;
      // The upper bits of the link-type field carry FCS information (draft section 4, LinkType and additional information).
      this.linkType = (this.le ? buf.readUInt32LE(20) : buf.readUInt32BE(20)) & 0x0fffffff;
      this.info.linkTypes = [this.linkType];
      this.pkt.linkType = this.linkType;
      this.headerDone = true;
      pos = 24;
    }
    const le = this.le;
    const pkt = this.pkt;
    const end = buf.length;
    // Bounded by the buffer: each pass consumes at least 16 bytes or returns.
    while (pos + 16 <= end) {
      const sec = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      const frac = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      const incl = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      const orig = le ? buf.readUInt32LE(pos + 12) : buf.readUInt32BE(pos + 12);
      if (incl > MAX_RECORD) {
        this.problems.push({
          kind: "bad-record",
          capture: pkt.capture,
          offset: base + pos,
          packet: this.info.packets + 1,
          message: `record length ${incl} is not plausible; the rest of the file cannot be framed`,
        });
        this.info.truncated = true;
        this.stopped = true;
        return end;
      }
      if (pos + 16 + incl > end) break;
      pkt.n = ++this.info.packets;
      pkt.ts = sec + frac * this.scale;
      pkt.data = buf.subarray(pos + 16, pos + 16 + incl);
      pkt.origLen = orig;
      pkt.offset = base + pos;
      if (this.info.firstTs === null) this.info.firstTs = pkt.ts;
      this.info.lastTs = pkt.ts;
      this.onPacket(pkt);
      pos += 16 + incl;
    }
    return pos;
  }
}

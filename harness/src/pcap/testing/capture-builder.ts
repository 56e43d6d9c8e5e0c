/** Test helper: TCP conversations that track sequence numbers, on a capture clock, written as one pcap. */
import { LINKTYPE, writePcap, type PacketRecord, type PcapWriterOptions } from "../writer.js";
import { tcpFrame, type EthernetSpec } from "./frames.js";

// ---------- whole captures ----------

export interface TcpConversationSpec {
  client: string;
  server: string;
  cport: number;
  sport: number;
  clientTtl?: number;
  serverTtl?: number;
  clientIsn?: number;
  serverIsn?: number;
  l2?: Partial<EthernetSpec>;
}

export interface SegmentOpts {
  /** Seconds to advance the capture clock before this packet. */
  dt?: number;
  ttl?: number;
  window?: number;
  badChecksum?: boolean;
}

/** A TCP conversation that tracks sequence numbers so tests read like the exchange they model. */
export class TcpConversation {
  private cseq: number;
  private sseq: number;
  constructor(
    private readonly cap: CaptureBuilder,
    readonly spec: TcpConversationSpec,
  ) {
    this.cseq = spec.clientIsn ?? 1_000_000;
    this.sseq = spec.serverIsn ?? 5_000_000;
  }

  /** Retransmitted SYNs reuse the ISN, as Linux does. */
  syn(o: SegmentOpts = {}): this {
    return this.seg("orig", "S", this.cseq, 0, undefined, { mss: 1460, ...o });
  }
  synAck(o: SegmentOpts = {}): this {
    return this.seg("resp", "SA", this.sseq, this.cseq + 1, undefined, { mss: 1460, ...o });
  }
  ack(dir: "orig" | "resp" = "orig", o: SegmentOpts = {}): this {
    return this.pushSeq(dir, "A", undefined, o);
  }
  send(dir: "orig" | "resp", data: string | Uint8Array, o: SegmentOpts = {}): this {
    return this.pushSeq(dir, "PA", typeof data === "string" ? Buffer.from(data) : Buffer.from(data), o);
  }
  fin(dir: "orig" | "resp", o: SegmentOpts = {}): this {
    this.pushSeq(dir, "FA", undefined, o);
    this.advance(dir, 1);
    return this;
  }
  /** RST; with `ack` the RST+ACK a refused connect gets. */
  rst(dir: "orig" | "resp", o: SegmentOpts & { ack?: boolean } = {}): this {
    return this.pushSeq(dir, o.ack ? "RA" : "R", undefined, o);
  }
  /** The RST+ACK a closed port answers a SYN with (RFC 9293 section 3.10.7.1). */
  refuse(o: SegmentOpts = {}): this {
    return this.seg("resp", "RA", 0, this.cseq + 1, undefined, o);
  }

  private started = { orig: false, resp: false };

  private pushSeq(dir: "orig" | "resp", flags: string, payload: Buffer | undefined, o: SegmentOpts): this {
    const seq = dir === "orig" ? this.cseq + 1 : this.sseq + 1;
    const ack = dir === "orig" ? this.sseq + 1 : this.cseq + 1;
    this.seg(dir, flags, seq, ack, payload, o);
    if (payload) this.advance(dir, payload.length);
    return this;
  }

  private advance(dir: "orig" | "resp", n: number): void {
    if (dir === "orig") this.cseq += n;
    else this.sseq += n;
  }

  private seg(
    dir: "orig" | "resp",
    flags: string,
    seq: number,
    ack: number,
    payload: Buffer | undefined,
    o: SegmentOpts & { mss?: number },
  ): this {
    const s = this.spec;
    const fromClient = dir === "orig";
    this.cap.wait(o.dt ?? 0);
    this.cap.add(
      tcpFrame({
        src: fromClient ? s.client : s.server,
        dst: fromClient ? s.server : s.client,
        sport: fromClient ? s.cport : s.sport,
        dport: fromClient ? s.sport : s.cport,
        flags,
        seq,
        ack,
        payload,
        mss: o.mss,
        window: o.window,
        ttl: o.ttl ?? (fromClient ? s.clientTtl : s.serverTtl),
        badChecksum: o.badChecksum,
        l2: s.l2,
      }),
    );
    this.started[dir] = true;
    return this;
  }
}

/** Collects frames on a clock and writes them as one pcap. */
export class CaptureBuilder {
  readonly records: PacketRecord[] = [];
  /** Capture clock in seconds; starts at a fixed, readable epoch. */
  t: number;
  constructor(t0 = 1_700_000_000) {
    this.t = t0;
  }
  wait(seconds: number): this {
    this.t += seconds;
    return this;
  }
  add(frame: Uint8Array, dt = 0): this {
    this.t += dt;
    this.records.push({ ts: this.t, data: frame });
    return this;
  }
  tcp(spec: TcpConversationSpec): TcpConversation {
    return new TcpConversation(this, spec);
  }
  write(path: string, opts: PcapWriterOptions = {}): string {
    writePcap(path, this.records, { linkType: LINKTYPE.ETHERNET, ...opts });
    return path;
  }
}

/**
 * Test helper: build real packets (Ethernet, VLAN, IPv4/6, TCP, UDP, ICMP/ICMPv6, ARP, DNS, TLS)
 * with correct checksums and write them as pcap files, so every cause can get a small capture.
 * Self-contained on purpose (pcap/ sits below decode/ in ARCHITECTURE.md's import order).
 *
 *   const cap = new CaptureBuilder();
 *   const c = cap.tcp({ client: "10.100.1.10", server: "10.100.2.10", cport: 40000, sport: 443 });
 *   c.syn(); cap.wait(1); c.syn(); c.synAck(); c.ack(); c.send("orig", "GET / HTTP/1.1\r\n\r\n");
 *   cap.write("/tmp/x.pcap");
 */
import { LINKTYPE, writePcap, type PacketRecord, type PcapWriterOptions } from "../writer.js";

// ---------- addresses and checksums ----------

export function ipBytes(addr: string): Buffer {
  if (addr.includes(":")) return ipv6Bytes(addr);
  const parts = addr.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new TypeError(`bad IPv4 address ${addr}`);
  return Buffer.from(parts);
}

function ipv6Bytes(addr: string): Buffer {
  const out = Buffer.alloc(16);
  const [head, tail] = addr.includes("::") ? addr.split("::") : [addr, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  if (tail === undefined && h.length !== 8) throw new TypeError(`bad IPv6 address ${addr}`);
  h.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  t.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 16 - (t.length - i) * 2));
  return out;
}

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(":").map((x) => parseInt(x, 16)));
}

/** RFC 1071 one's-complement sum. */
export function inetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) sum += (p[i] << 8) | p[i + 1];
    if (p.length & 1) sum += p[p.length - 1] << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function pseudoHeader(src: string, dst: string, proto: number, len: number): Buffer {
  const s = ipBytes(src);
  const d = ipBytes(dst);
  if (s.length === 4) {
    const b = Buffer.alloc(12);
    s.copy(b, 0);
    d.copy(b, 4);
    b[9] = proto;
    b.writeUInt16BE(len, 10);
    return b;
  }
  const b = Buffer.alloc(40);
  s.copy(b, 0);
  d.copy(b, 16);
  b.writeUInt32BE(len, 32);
  b[39] = proto;
  return b;
}

// ---------- layer 2 ----------

export interface EthernetSpec {
  src?: string;
  dst?: string;
  etherType: number;
  /** 802.1Q VLAN ids, outermost first; with `qinq` the outer tag uses 0x88a8 (802.1ad). */
  vlans?: number[];
  qinq?: boolean;
}

export function ethernet(payload: Uint8Array, spec: EthernetSpec): Buffer {
  const vlans = spec.vlans ?? [];
  const b = Buffer.alloc(14 + vlans.length * 4 + payload.length);
  macBytes(spec.dst ?? "02:00:00:00:00:02").copy(b, 0);
  macBytes(spec.src ?? "02:00:00:00:00:01").copy(b, 6);
  let o = 12;
  vlans.forEach((id, i) => {
    b.writeUInt16BE(i === 0 && spec.qinq ? 0x88a8 : 0x8100, o);
    b.writeUInt16BE(id & 0xfff, o + 2);
    o += 4;
  });
  b.writeUInt16BE(spec.etherType, o);
  b.set(payload, o + 2);
  return b;
}

export interface ArpSpec {
  op: "request" | "reply";
  senderMac: string;
  senderIp: string;
  targetMac?: string;
  targetIp: string;
}

/** RFC 826 ARP in an Ethernet frame (requests are broadcast). */
export function arpFrame(spec: ArpSpec): Buffer {
  const a = Buffer.alloc(28);
  a.writeUInt16BE(1, 0);
  a.writeUInt16BE(0x0800, 2);
  a[4] = 6;
  a[5] = 4;
  a.writeUInt16BE(spec.op === "request" ? 1 : 2, 6);
  macBytes(spec.senderMac).copy(a, 8);
  ipBytes(spec.senderIp).copy(a, 14);
  macBytes(spec.targetMac ?? "00:00:00:00:00:00").copy(a, 18);
  ipBytes(spec.targetIp).copy(a, 24);
  const dst = spec.op === "request" ? "ff:ff:ff:ff:ff:ff" : (spec.targetMac ?? "02:00:00:00:00:02");
  return ethernet(a, { src: spec.senderMac, dst, etherType: 0x0806 });
}

// ---------- layer 3 ----------

export interface IpOpts {
  ttl?: number;
  ipId?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  badIpChecksum?: boolean;
  /** IPv6 extension headers placed before the transport header (hop-by-hop 0, routing 43, dest opts 60). */
  v6ExtHeaders?: number[];
}

export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, o: IpOpts = {}): Buffer {
  const b = Buffer.alloc(20 + payload.length);
  b[0] = 0x45;
  b.writeUInt16BE(b.length, 2);
  b.writeUInt16BE(o.ipId ?? 0x1234, 4);
  b.writeUInt16BE((o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) >> 3), 6);
  b[8] = o.ttl ?? 64;
  b[9] = proto;
  ipBytes(src).copy(b, 12);
  ipBytes(dst).copy(b, 16);
  const ck = inetChecksum(b.subarray(0, 20));
  b.writeUInt16BE(o.badIpChecksum ? ck ^ 0xffff : ck, 10);
  b.set(payload, 20);
  return b;
}

export function ipv6(src: string, dst: string, proto: number, payload: Uint8Array, o: IpOpts = {}): Buffer {
  const ext = o.v6ExtHeaders ?? [];
  const b = Buffer.alloc(40 + ext.length * 8 + payload.length);
  b.writeUInt32BE(0x60000000, 0);
  b.writeUInt16BE(b.length - 40, 4);
  b[6] = ext.length ? ext[0] : proto;
  b[7] = o.ttl ?? 64;
  ipBytes(src).copy(b, 8);
  ipBytes(dst).copy(b, 24);
  ext.forEach((_t, i) => {
    // Each extension header: next header, length 0 (8 bytes), padding (RFC 8200 section 4).
    b[40 + i * 8] = i + 1 < ext.length ? ext[i + 1] : proto;
    b[40 + i * 8 + 1] = 0;
    b[40 + i * 8 + 2] = 1; // PadN option
    b[40 + i * 8 + 3] = 4;
  });
  b.set(payload, 40 + ext.length * 8);
  return b;
}

export function ip(src: string, dst: string, proto: number, payload: Uint8Array, o: IpOpts = {}): Buffer {
  return src.includes(":") ? ipv6(src, dst, proto, payload, o) : ipv4(src, dst, proto, payload, o);
}

function frameIp(pkt: Buffer, v6: boolean, l2?: Partial<EthernetSpec>): Buffer {
  return ethernet(pkt, { ...l2, etherType: v6 ? 0x86dd : 0x0800 });
}

// ---------- layer 4 ----------

export interface TcpSpec extends IpOpts {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  /** Flag letters: S SYN, A ACK, F FIN, R RST, P PSH, U URG, E ECE, C CWR. */
  flags: string;
  seq?: number;
  ack?: number;
  window?: number;
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  timestamps?: [number, number];
  payload?: Uint8Array | string;
  badChecksum?: boolean;
  l2?: Partial<EthernetSpec>;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, C: 128 };

export function tcpFlagBits(flags: string): number {
  let v = 0;
  for (const c of flags) v |= FLAG_BITS[c] ?? 0;
  return v;
}

/** TCP header + payload with a checksum over the pseudo-header (RFC 9293 section 3.1). */
export function tcpSegment(s: TcpSpec): Buffer {
  const opts: number[] = [];
  if (s.mss !== undefined) opts.push(2, 4, s.mss >> 8, s.mss & 255);
  if (s.sackOk) opts.push(4, 2);
  if (s.timestamps) {
    const t = Buffer.alloc(10);
    t[0] = 8;
    t[1] = 10;
    t.writeUInt32BE(s.timestamps[0] >>> 0, 2);
    t.writeUInt32BE(s.timestamps[1] >>> 0, 6);
    opts.push(...t);
  }
  if (s.wscale !== undefined) opts.push(1, 3, 3, s.wscale);
  while (opts.length % 4) opts.push(0);
  const payload = typeof s.payload === "string" ? Buffer.from(s.payload) : (s.payload ?? Buffer.alloc(0));
  const hl = 20 + opts.length;
  const b = Buffer.alloc(hl + payload.length);
  b.writeUInt16BE(s.sport, 0);
  b.writeUInt16BE(s.dport, 2);
  b.writeUInt32BE((s.seq ?? 1000) >>> 0, 4);
  b.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
  b[12] = (hl / 4) << 4;
  b[13] = tcpFlagBits(s.flags);
  b.writeUInt16BE(s.window ?? 64240, 14);
  Buffer.from(opts).copy(b, 20);
  b.set(payload, hl);
  const ck = inetChecksum(pseudoHeader(s.src, s.dst, 6, b.length), b);
  b.writeUInt16BE(s.badChecksum ? ck ^ 0x5a5a : ck, 16);
  return b;
}

export function tcpFrame(s: TcpSpec): Buffer {
  return frameIp(ip(s.src, s.dst, 6, tcpSegment(s), s), s.src.includes(":"), s.l2);
}

export interface UdpSpec extends IpOpts {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload?: Uint8Array | string;
  badChecksum?: boolean;
  l2?: Partial<EthernetSpec>;
}

export function udpDatagram(s: UdpSpec): Buffer {
  const payload = typeof s.payload === "string" ? Buffer.from(s.payload) : (s.payload ?? Buffer.alloc(0));
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt16BE(s.sport, 0);
  b.writeUInt16BE(s.dport, 2);
  b.writeUInt16BE(b.length, 4);
  b.set(payload, 8);
  let ck = inetChecksum(pseudoHeader(s.src, s.dst, 17, b.length), b);
  if (ck === 0) ck = 0xffff;
  b.writeUInt16BE(s.badChecksum ? ck ^ 0x5a5a : ck, 6);
  return b;
}

export function udpFrame(s: UdpSpec): Buffer {
  return frameIp(ip(s.src, s.dst, 17, udpDatagram(s), s), s.src.includes(":"), s.l2);
}

export interface IcmpErrorSpec extends IpOpts {
  /** The router or host sending the error. */
  src: string;
  dst: string;
  /** ICMPv4: 3 unreachable, 11 time exceeded. ICMPv6: 1 unreachable, 3 time exceeded. */
  type: number;
  code: number;
  /** The offending IP packet (IP header onward); quoted up to quoteLen bytes. */
  quoted: Uint8Array;
  /** Bytes of `quoted` to include. Default: IPv4 header + 8 (RFC 792), whole packet up to 1232 for v6 (RFC 4443). */
  quoteLen?: number;
  l2?: Partial<EthernetSpec>;
}

export function icmpErrorFrame(s: IcmpErrorSpec): Buffer {
  const v6 = s.src.includes(":");
  const ihl = v6 ? 40 : (s.quoted[0] & 0x0f) * 4;
  const n = Math.min(s.quoted.length, s.quoteLen ?? (v6 ? 1232 : ihl + 8));
  const b = Buffer.alloc(8 + n);
  b[0] = s.type;
  b[1] = s.code;
  b.set(s.quoted.subarray(0, n), 8);
  const ck = v6 ? inetChecksum(pseudoHeader(s.src, s.dst, 58, b.length), b) : inetChecksum(b);
  b.writeUInt16BE(ck, 2);
  return frameIp(ip(s.src, s.dst, v6 ? 58 : 1, b, s), v6, s.l2);
}

/** Strip the Ethernet header (and VLAN tags) of a frame: the IP packet an ICMP error would quote. */
export function ipPacketOf(frame: Buffer): Buffer {
  let o = 12;
  while (frame.readUInt16BE(o) === 0x8100 || frame.readUInt16BE(o) === 0x88a8) o += 4;
  return frame.subarray(o + 2);
}

// ---------- application payloads ----------

export interface DnsRecordSpec {
  name: string;
  /** 1 A, 28 AAAA, 5 CNAME, 2 NS, 12 PTR, 16 TXT, 6 SOA... */
  type: number;
  ttl?: number;
  /** A/AAAA address, CNAME/NS/PTR target; raw bytes for anything else. */
  data: string | Uint8Array;
}

export interface DnsMessageSpec {
  id: number;
  response?: boolean;
  rcode?: number;
  rd?: boolean;
  ra?: boolean;
  aa?: boolean;
  tc?: boolean;
  questions?: Array<{ name: string; type: number }>;
  answers?: DnsRecordSpec[];
  authority?: DnsRecordSpec[];
}

function dnsName(name: string): Buffer {
  const labels = name.split(".").filter((l) => l.length > 0);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
}

function dnsRr(r: DnsRecordSpec): Buffer {
  let rdata: Buffer;
  if (typeof r.data !== "string") rdata = Buffer.from(r.data);
  else if (r.type === 1 || r.type === 28) rdata = ipBytes(r.data);
  else rdata = dnsName(r.data);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(r.type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(r.ttl ?? 300, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([dnsName(r.name), fixed, rdata]);
}

/** An RFC 1035 section 4.1 message, no name compression. */
export function dnsMessage(m: DnsMessageSpec): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(m.id, 0);
  const flags =
    (m.response ? 0x8000 : 0) | (m.aa ? 0x0400 : 0) | (m.tc ? 0x0200 : 0) | (m.rd ?? true ? 0x0100 : 0) | (m.ra ? 0x0080 : 0) | ((m.rcode ?? 0) & 15);
  h.writeUInt16BE(flags, 2);
  const qs = m.questions ?? [];
  h.writeUInt16BE(qs.length, 4);
  h.writeUInt16BE(m.answers?.length ?? 0, 6);
  h.writeUInt16BE(m.authority?.length ?? 0, 8);
  const q = qs.map((x) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(x.type, 0);
    t.writeUInt16BE(1, 2);
    return Buffer.concat([dnsName(x.name), t]);
  });
  return Buffer.concat([h, ...q, ...(m.answers ?? []).map(dnsRr), ...(m.authority ?? []).map(dnsRr)]);
}

/** One TLS record (RFC 8446 section 5.1): 20 ChangeCipherSpec, 21 alert, 22 handshake, 23 application data. */
export function tlsRecord(contentType: number, body: Uint8Array, version = 0x0303): Buffer {
  const h = Buffer.alloc(5);
  h[0] = contentType;
  h.writeUInt16BE(version, 1);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}

/** An alert record: level 1 warning / 2 fatal; description e.g. 40 handshake_failure, 48 unknown_ca, 70 protocol_version. */
export function tlsAlert(level: number, description: number, version = 0x0303): Buffer {
  return tlsRecord(21, Buffer.from([level, description]), version);
}

/** A handshake record holding one message of `type` (1 client_hello, 2 server_hello, 11 certificate...). */
export function tlsHandshake(type: number, body: Uint8Array = Buffer.alloc(0), version = 0x0303): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUIntBE(body.length, 1, 3);
  return tlsRecord(22, Buffer.concat([h, body]), version);
}

/** A minimal ClientHello with an SNI extension (RFC 6066 section 3). */
export function tlsClientHello(serverName?: string): Buffer {
  const parts: Buffer[] = [Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), Buffer.from([0, 2, 0x13, 0x01]), Buffer.from([1, 0])];
  let ext = Buffer.alloc(0);
  if (serverName) {
    const n = Buffer.from(serverName);
    const sni = Buffer.alloc(9);
    sni.writeUInt16BE(0, 0);
    sni.writeUInt16BE(5 + n.length, 2);
    sni.writeUInt16BE(3 + n.length, 4);
    sni[6] = 0;
    sni.writeUInt16BE(n.length, 7);
    ext = Buffer.concat([sni, n]);
  }
  const el = Buffer.alloc(2);
  el.writeUInt16BE(ext.length, 0);
  return tlsHandshake(1, Buffer.concat([...parts, el, ext]), 0x0301);
}

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

  private seg(dir: "orig" | "resp", flags: string, seq: number, ack: number, payload: Buffer | undefined, o: SegmentOpts & { mss?: number }): this {
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

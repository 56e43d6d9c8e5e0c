/** Test helper: Ethernet/VLAN, ARP, IPv4/6, TCP, UDP and ICMP frames with correct checksums (RFC 1071). */

// ---------- addresses and checksums ----------

export function ipBytes(addr: string): Buffer {
  if (addr.includes(":")) return ipv6Bytes(addr);
  const parts = addr.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255)))
    throw new TypeError(`bad IPv4 address ${addr}`);
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

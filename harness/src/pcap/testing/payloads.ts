/** Test helper: DNS messages (RFC 1035 section 4.1) and TLS records (RFC 8446 section 5.1) as payload bytes. */
import { ipBytes } from "./frames.js";

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
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
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
    (m.response ? 0x8000 : 0) |
    (m.aa ? 0x0400 : 0) |
    (m.tc ? 0x0200 : 0) |
    ((m.rd ?? true) ? 0x0100 : 0) |
    (m.ra ? 0x0080 : 0) |
    ((m.rcode ?? 0) & 15);
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
  const parts: Buffer[] = [
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    Buffer.from([0, 2, 0x13, 0x01]),
    Buffer.from([1, 0]),
  ];
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

/**
 * DNS messages (RFC 1035 section 4; EDNS RFC 6891). A tolerant reader: it returns every section
 * it could decode plus the problems found (with byte offsets into the message) and never throws,
 * so a corrupt answer still yields its id and rcode. (dns2's Packet.parse throws on bad input and
 * reports no offsets, hence this reader; dns2 stays the codec for the DNS stand-in.)
 */
import { ipv4String, ipv6String } from "./address.js";

export const DNS_TYPES: Record<number, string> = {
  1: "A",
  2: "NS",
  5: "CNAME",
  6: "SOA",
  12: "PTR",
  13: "HINFO",
  15: "MX",
  16: "TXT",
  28: "AAAA",
  29: "LOC",
  30: "NXT",
  31: "EID",
  32: "NIMLOC",
  33: "SRV",
  35: "NAPTR",
  41: "OPT",
  43: "DS",
  44: "SSHFP",
  46: "RRSIG",
  47: "NSEC",
  48: "DNSKEY",
  50: "NSEC3",
  51: "NSEC3PARAM",
  52: "TLSA",
  64: "SVCB",
  65: "HTTPS",
  99: "SPF",
  251: "IXFR",
  252: "AXFR",
  255: "*",
  257: "CAA",
};

export const DNS_RCODES: Record<number, string> = {
  0: "NOERROR",
  1: "FORMERR",
  2: "SERVFAIL",
  3: "NXDOMAIN",
  4: "NOTIMP",
  5: "REFUSED",
  6: "YXDOMAIN",
  7: "YXRRSET",
  8: "NXRRSET",
  9: "NOTAUTH",
  10: "NOTZONE",
  16: "BADVERS",
  17: "BADKEY",
  18: "BADTIME",
};

export function dnsTypeName(t: number): string {
  return DNS_TYPES[t] ?? `TYPE${t}`;
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
  /** The message ended inside the question (a capture's snap length): `name` holds its whole labels read, type and class are -1. */
  cut?: boolean;
}

export interface DnsRecord {
  section: "answer" | "authority" | "additional";
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: string;
}

export interface DnsProblem {
  offset: number;
  message: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  /** Header rcode combined with the EDNS extended rcode bits (RFC 6891 section 6.1.3). */
  rcode: number;
  counts: { qd: number; an: number; ns: number; ar: number };
  questions: DnsQuestion[];
  records: DnsRecord[];
  /** EDNS extended rcode high bits, when an OPT record was present. */
  ednsExtendedRcode: number | null;
  problems: DnsProblem[];
}

const MAX_POINTERS = 32;
const MAX_RECORDS = 512;

/** Read a possibly compressed name at `o`; returns [name, offset after the name in place]. */
function readName(
  b: Uint8Array,
  o: number,
  end: number,
  start: number,
  problems: DnsProblem[],
): [string, number] {
  const labels: string[] = [];
  let pos = o;
  let after = -1;
  // Bounded by MAX_POINTERS jumps and 255 bytes of labels.
  for (let jumps = 0, total = 0; ;) {
    if (pos >= end) {
      problems.push({ offset: pos - start, message: "name runs past the end of the message" });
      return [labels.join("."), after >= 0 ? after : end];
    }
    const len = b[pos];
    if (len === 0) {
      if (after < 0) after = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= end) {
        problems.push({ offset: pos - start, message: "compression pointer cut short" });
        return [labels.join("."), end];
      }
      const target = start + (((len & 0x3f) << 8) | b[pos + 1]);
      if (after < 0) after = pos + 2;
      if (++jumps > MAX_POINTERS || target >= pos) {
        problems.push({ offset: pos - start, message: "compression pointer loops or points forward" });
        break;
      }
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) {
      problems.push({ offset: pos - start, message: `unknown label type 0x${len.toString(16)}` });
      return [labels.join("."), after >= 0 ? after : end];
    }
    total += len + 1;
    if (total > 255 || pos + 1 + len > end) {
      problems.push({
        offset: pos - start,
        message: "label runs past the end of the message or the name is too long",
      });
      return [labels.join("."), after >= 0 ? after : end];
    }
    let s = "";
    for (let i = pos + 1; i < pos + 1 + len; i++) s += String.fromCharCode(b[i]);
    labels.push(s);
    pos += 1 + len;
  }
  return [labels.join("."), after];
}

/** Decode the message in `b[start, start+len)`. */
export function decodeDns(b: Uint8Array, start: number, len: number): DnsMessage {
  const end = Math.min(b.length, start + len);
  const problems: DnsProblem[] = [];
  const m: DnsMessage = {
    id: 0,
    response: false,
    opcode: 0,
    authoritative: false,
    truncated: false,
    recursionDesired: false,
    recursionAvailable: false,
    rcode: 0,
    counts: { qd: 0, an: 0, ns: 0, ar: 0 },
    questions: [],
    records: [],
    ednsExtendedRcode: null,
    problems,
  };
  if (end - start < 12) {
    problems.push({
      offset: 0,
      message: `message of ${Math.max(0, end - start)} bytes is shorter than the 12-byte header`,
    });
    if (end - start >= 2) m.id = (b[start] << 8) | b[start + 1];
    return m;
  }
  const u16 = (o: number) => (b[o] << 8) | b[o + 1];
  m.id = u16(start);
  const flags = u16(start + 2);
  m.response = (flags & 0x8000) !== 0;
  m.opcode = (flags >> 11) & 15;
  m.authoritative = (flags & 0x0400) !== 0;
  m.truncated = (flags & 0x0200) !== 0;
  m.recursionDesired = (flags & 0x0100) !== 0;
  m.recursionAvailable = (flags & 0x0080) !== 0;
  m.rcode = flags & 15;
  m.counts = { qd: u16(start + 4), an: u16(start + 6), ns: u16(start + 8), ar: u16(start + 10) };
  let o = start + 12;
  for (let i = 0; i < m.counts.qd && i < MAX_RECORDS; i++) {
    const [name, next] = readName(b, o, end, start, problems);
    if (next + 4 > end) {
      problems.push({ offset: o - start, message: `question ${i + 1} cut short` });
      if (i === 0 && name !== "") m.questions.push({ name, type: -1, class: -1, cut: true });
      return m;
    }
    m.questions.push({ name, type: u16(next), class: u16(next + 2) });
    o = next + 4;
  }
  const sections: Array<[DnsRecord["section"], number]> = [
    ["answer", m.counts.an],
    ["authority", m.counts.ns],
    ["additional", m.counts.ar],
  ];
  for (const [section, count] of sections) {
    for (let i = 0; i < count && m.records.length < MAX_RECORDS; i++) {
      const [name, next] = readName(b, o, end, start, problems);
      if (next + 10 > end) {
        problems.push({ offset: o - start, message: `${section} record ${i + 1} cut short` });
        return m;
      }
      const type = u16(next);
      const klass = u16(next + 2);
      const ttl = ((b[next + 4] << 24) | (b[next + 5] << 16) | (b[next + 6] << 8) | b[next + 7]) >>> 0;
      const rdlen = u16(next + 8);
      const rd = next + 10;
      if (rd + rdlen > end) {
        problems.push({
          offset: next - start,
          message: `${section} record ${i + 1} data runs past the end of the message`,
        });
        return m;
      }
      if (type === 41) {
        // OPT: the TTL field carries the extended rcode in its top byte (RFC 6891 section 6.1.3).
        m.ednsExtendedRcode = b[next + 4];
        m.rcode = (b[next + 4] << 4) | (flags & 15);
      }
      m.records.push({
        section,
        name,
        type,
        class: klass,
        ttl: type === 41 ? 0 : ttl,
        data: rdata(b, type, rd, rdlen, end, start, problems),
      });
      o = rd + rdlen;
    }
  }
  if (o < end) problems.push({ offset: o - start, message: `${end - o} bytes after the last record` });
  return m;
}

function rdata(
  b: Uint8Array,
  type: number,
  o: number,
  len: number,
  end: number,
  start: number,
  problems: DnsProblem[],
): string {
  if (type === 1 && len === 4) return ipv4String(b, o);
  if (type === 28 && len === 16) return ipv6String(b, o);
  if (type === 5 || type === 2 || type === 12) return readName(b, o, end, start, problems)[0];
  if (type === 15 && len > 2) return readName(b, o + 2, end, start, problems)[0];
  if (type === 16) {
    const parts: string[] = [];
    for (let p = o; p < o + len;) {
      const l = b[p];
      let s = "";
      for (let i = p + 1; i <= p + l && i < o + len; i++) s += String.fromCharCode(b[i]);
      parts.push(s);
      p += 1 + l;
    }
    return parts.join(" ");
  }
  if (type === 33 && len > 6) return readName(b, o + 6, end, start, problems)[0];
  if (type === 44 && len > 2) {
    // Zeek's dns.log form: "SSHFP: <fingerprint hex>".
    let fp = "";
    for (let i = o + 2; i < o + len; i++) fp += b[i].toString(16).padStart(2, "0");
    return `SSHFP: ${fp}`;
  }
  if (type === 46 && len > 18)
    return `RRSIG ${(b[o] << 8) | b[o + 1]} ${readName(b, o + 18, end, start, problems)[0]}`;
  if (type === 6) return readName(b, o, end, start, problems)[0];
  let hex = "";
  for (let i = o; i < o + len && i < o + 64; i++) hex += b[i].toString(16).padStart(2, "0");
  return hex;
}

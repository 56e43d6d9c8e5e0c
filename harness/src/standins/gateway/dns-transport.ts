/**
 * One DNS exchange with one server on the wire: a UDP query (RFC 1035 §4.2.1) and, when the
 * answer is truncated (TC), the same question over TCP with the 2-byte length prefix
 * (RFC 1035 §4.2.2). Messages are encoded and decoded with dns2's Packet codec.
 * The UDP socket is connected so an ICMP port/host unreachable surfaces as a socket error
 * (ECONNREFUSED/EHOSTUNREACH) instead of a silent wait.
 */
import { createSocket } from "node:dgram";
import { randomInt } from "node:crypto";
import { connect as netConnect, isIPv6 } from "node:net";
import { Packet, type Question } from "dns2";

export type QType = "A" | "AAAA";

export interface DnsReply {
  id: number;
  rcode: number;
  truncated: boolean;
  packet: Packet;
  ms: number;
  transport: "udp" | "tcp";
}

export type ExchangeResult =
  | { kind: "reply"; reply: DnsReply }
  | { kind: "timeout"; ms: number }
  | { kind: "error"; errno: string; ms: number };

export function buildQuery(name: string, qtype: QType, id: number): Buffer {
  const p = new Packet();
  p.header.id = id;
  p.header.rd = 1;
  p.questions.push({
    name,
    type: qtype === "A" ? Packet.TYPE.A : Packet.TYPE.AAAA,
    class: Packet.CLASS.IN,
  } as unknown as Question);
  return p.toBuffer();
}

export function newQueryId(): number {
  return randomInt(0, 65536);
}

function matches(p: Packet, id: number, name: string): boolean {
  // RFC 5452 §9.1: accept only the reply to our id and question.
  return (
    p.header.id === id &&
    p.header.qr === 1 &&
    (p.questions.length === 0 || p.questions[0].name.toLowerCase() === name.toLowerCase())
  );
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? "EIO";
}

export function udpExchange(
  server: string,
  port: number,
  query: Buffer,
  id: number,
  name: string,
  timeoutMs: number,
): Promise<ExchangeResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(server) ? "udp6" : "udp4");
    let done = false;
    const finish = (r: ExchangeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ kind: "timeout", ms: Date.now() - t0 }), timeoutMs);
    sock.on("error", (e) => finish({ kind: "error", errno: errnoOf(e), ms: Date.now() - t0 }));
    sock.on("message", (msg) => {
      let p: Packet;
      try {
        p = Packet.parse(msg);
      } catch {
        return; // an undecodable datagram is not our answer; keep waiting until the deadline
      }
      if (!matches(p, id, name)) return;
      finish({
        kind: "reply",
        reply: {
          id,
          rcode: p.header.rcode,
          truncated: p.header.tc === 1,
          packet: p,
          ms: Date.now() - t0,
          transport: "udp",
        },
      });
    });
    // With a callback, dgram reports a failed connect (ENETUNREACH: no route) to it, not as 'error'.
    const onConnect = (err?: Error | null) => {
      if (err) return finish({ kind: "error", errno: errnoOf(err), ms: Date.now() - t0 });
      if (!done)
        sock.send(query, (e) => e && finish({ kind: "error", errno: errnoOf(e), ms: Date.now() - t0 }));
    };
    sock.connect(port, server, onConnect as () => void);
  });
}

export function tcpExchange(
  server: string,
  port: number,
  query: Buffer,
  id: number,
  name: string,
  timeoutMs: number,
): Promise<ExchangeResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const sock = netConnect({ host: server, port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (r: ExchangeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ kind: "timeout", ms: Date.now() - t0 }), timeoutMs);
    sock.on("error", (e) => finish({ kind: "error", errno: errnoOf(e), ms: Date.now() - t0 }));
    sock.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length > 70_000) return finish({ kind: "error", errno: "EMSGSIZE", ms: Date.now() - t0 });
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      try {
        const p = Packet.parse(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        if (!matches(p, id, name)) return finish({ kind: "error", errno: "EBADMSG", ms: Date.now() - t0 });
        finish({
          kind: "reply",
          reply: {
            id,
            rcode: p.header.rcode,
            truncated: false,
            packet: p,
            ms: Date.now() - t0,
            transport: "tcp",
          },
        });
      } catch {
        finish({ kind: "error", errno: "EBADMSG", ms: Date.now() - t0 });
      }
    });
    sock.on("end", () => finish({ kind: "error", errno: "ECONNRESET", ms: Date.now() - t0 }));
  });
}

/**
 * Addresses for `name` from an answer section, following CNAMEs inside it, and the TTL to
 * cache them for: the smallest TTL along the chain (APAR IC86912: the smaller of the CNAME
 * and address TTLs).
 */
export function addressesFromAnswer(
  p: Packet,
  name: string,
  qtype: QType,
): { addresses: string[]; ttl: number; cnames: string[] } {
  const want = qtype === "A" ? Packet.TYPE.A : Packet.TYPE.AAAA;
  let cur = name.toLowerCase();
  let ttl = Infinity;
  const cnames: string[] = [];
  for (let hops = 0; hops < 16; hops++) {
    const c = p.answers.find((r) => r && r.type === Packet.TYPE.CNAME && r.name.toLowerCase() === cur);
    if (!c || !c.domain) break;
    ttl = Math.min(ttl, c.ttl);
    cur = c.domain.toLowerCase();
    cnames.push(cur);
  }
  const addrs = p.answers.filter((r) => r && r.type === want && r.name.toLowerCase() === cur && r.address);
  for (const a of addrs) ttl = Math.min(ttl, a.ttl);
  return { addresses: addrs.map((a) => a.address!), ttl: addrs.length ? ttl : 0, cnames };
}

/** Negative-caching TTL from the SOA in the authority section (RFC 2308 §5), 0 when none. */
export function negativeTtl(p: Packet): number {
  const soa = p.authorities.find((r) => r && r.type === Packet.TYPE.SOA);
  return soa ? Math.min(soa.ttl, soa.minimum ?? soa.ttl) : 0;
}

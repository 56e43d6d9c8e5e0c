import dns2 from "dns2";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { BacksideError } from "../../errors.js";

const { Packet } = dns2;
type DnsPacketQuestion = InstanceType<typeof Packet>["questions"][number];

/** The raw answer and the header fields read straight from its bytes (RFC 1035 §4.1.1). */
export interface DnsReply {
  bytes: Buffer;
  id: number;
  rcode: number;
  tc: boolean;
  aa: boolean;
  ra: boolean;
  ancount: number;
  nscount: number;
  packet: InstanceType<typeof Packet>;
  elapsedMs: number;
}

export interface DnsQuery {
  host: string;
  port: number;
  name: string;
  type?: keyof typeof Packet.TYPE;
  transport?: "udp" | "tcp";
  timeoutMs?: number;
}

/**
 * One DNS query over UDP or TCP with a bounded wait: a TIMEOUT BacksideError when nothing
 * comes back (the `silent` mode). A probe for tests and for the harness, no retries, no fallback.
 */
export async function dnsQuery(q: DnsQuery): Promise<DnsReply> {
  const req = new Packet();
  req.header.id = Math.floor(Math.random() * 0xffff);
  req.header.rd = 1;
  req.questions.push({
    name: q.name,
    type: Packet.TYPE[q.type ?? "A"],
    class: Packet.CLASS.IN,
  } as DnsPacketQuestion);
  const wire = req.toBuffer();
  const started = performance.now();
  const timeoutMs = q.timeoutMs ?? 2000;
  const bytes = await (q.transport === "tcp" ? overTcp(q, wire, timeoutMs) : overUdp(q, wire, timeoutMs));
  return parseReply(bytes, performance.now() - started);
}

export function parseReply(bytes: Buffer, elapsedMs = 0): DnsReply {
  if (bytes.length < 12)
    throw new BacksideError("BAD_ARTIFACT", `dns reply of ${bytes.length} bytes is shorter than a header`);
  const flags = bytes.readUInt16BE(2);
  return {
    bytes,
    id: bytes.readUInt16BE(0),
    rcode: flags & 0x0f,
    tc: (flags & 0x0200) !== 0,
    aa: (flags & 0x0400) !== 0,
    ra: (flags & 0x0080) !== 0,
    ancount: bytes.readUInt16BE(6),
    nscount: bytes.readUInt16BE(8),
    packet: Packet.parse(bytes),
    elapsedMs,
  };
}

function timeout(q: DnsQuery, ms: number): BacksideError {
  return new BacksideError(
    "TIMEOUT",
    `no DNS answer from ${q.host}:${q.port} (${q.transport ?? "udp"}) for ${q.name} within ${ms} ms`,
  );
}

function overUdp(q: DnsQuery, wire: Buffer, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(q.host.includes(":") ? "udp6" : "udp4");
    const done = (f: () => void) => (clearTimeout(t), sock.close(), f());
    const t = setTimeout(() => done(() => reject(timeout(q, ms))), ms);
    sock.on("error", (e) =>
      done(() =>
        reject(new BacksideError("RUNTIME", `dns query over UDP failed: ${e.message}`, { cause: e })),
      ),
    );
    sock.on("message", (msg) => done(() => resolve(msg)));
    sock.send(wire, q.port, q.host);
  });
}

function overTcp(q: DnsQuery, wire: Buffer, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: q.host, port: q.port });
    let buf = Buffer.alloc(0);
    const done = (f: () => void) => (clearTimeout(t), sock.destroy(), f());
    const t = setTimeout(() => done(() => reject(timeout(q, ms))), ms);
    sock.on("error", (e) =>
      done(() =>
        reject(new BacksideError("RUNTIME", `dns query over TCP failed: ${e.message}`, { cause: e })),
      ),
    );
    // RFC 1035 §4.2.2: a two-byte length prefix on each message.
    const len = Buffer.alloc(2);
    len.writeUInt16BE(wire.length);
    sock.write(Buffer.concat([len, wire]));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
        done(() => resolve(buf.subarray(2, 2 + buf.readUInt16BE(0))));
    });
  });
}

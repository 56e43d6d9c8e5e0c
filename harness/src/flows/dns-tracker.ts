/**
 * DNS transactions: a query and its response matched by (capture, client, client port, server,
 * server port, message id), as Zeek's dns/main.zeek pairs them per connection and id. Retries with
 * the same id and ports join the same transaction; a response without a seen query still makes one.
 *
 * Without a sink every transaction is kept (`transactions`). With one, each goes to it once it can
 * change no more, and none is kept: memory follows the transactions in flight, not the capture.
 */
import { decodeDns, dnsTypeName, DNS_RCODES, type DnsMessage } from "../decode/dns.js";
import { sharedTexts } from "./shared-texts.js";
import type { DnsTransaction, PacketRef, Problem } from "./types.js";

/** NetBIOS first-level encoding (RFC 1001 section 14.1): 32 letters A-P for 16 bytes; Zeek logs the decoded name. */
function netbiosName(name: string): string {
  const first = name.split(".")[0];
  if (first.length !== 32 || !/^[A-P]+$/.test(first)) return name;
  let s = "";
  for (let i = 0; i < 32; i += 2)
    s += String.fromCharCode(((first.charCodeAt(i) - 65) << 4) | (first.charCodeAt(i + 1) - 65));
  return s.slice(0, 15).replace(/ +$/, "");
}

export const DNS_PORTS = new Set([53, 5353, 5355, 137]);

/**
 * Seconds an answered transaction is held after its response before it goes to the sink: the
 * engine reads the client's ICMP port unreachable for an answer that came after the client gave up
 * (within 1 s of it, engine/dns-digest.ts), and captures whose packets are a little out of time
 * order get the analyzer's 5 s of slack. Unanswered ones go when their flow would have expired.
 */
export const DNS_SETTLE = 6;

/**
 * Takes each transaction once nothing more can join it; `seq` is its place among the analysis's
 * transactions in the order they began (the order `transactions` would have held them).
 */
export type DnsEnded = (t: DnsTransaction, seq: number) => void;

interface Settling {
  t: DnsTransaction;
  seq: number;
}

export class DnsTracker {
  readonly transactions: DnsTransaction[] = [];
  private open = new Map<string, Settling>();
  /** Answered transactions in the order their responses came, until DNS_SETTLE has passed. */
  private settling: Settling[] = [];
  private settled = 0;
  private began = 0;
  private now = -Infinity;

  constructor(private readonly sink: DnsEnded | null = null) {}
  /**
   * One copy of each name and answer (at most 4,096 texts of 256 characters): every message
   * decodes them anew, and a capture asks for the same few names over and over (a transaction is
   * held for the whole analysis).
   */
  private readonly shared = sharedTexts(4096, 256);

  /** client/server are the carrying flow's originator and responder (Zeek's dns.log ids are the conn's). */
  message(
    capture: number,
    flowUid: string,
    proto: "udp" | "tcp",
    client: string,
    cport: number,
    server: string,
    sport2: number,
    b: Uint8Array,
    off: number,
    len: number,
    ref: PacketRef,
    report: (p: Problem) => void,
  ): void {
    const m = decodeDns(b, off, len);
    for (const p of m.problems.slice(0, 3))
      report({
        kind: "malformed-dns",
        capture,
        offset: null,
        packet: ref.n,
        message: `DNS message ${m.id}: ${p.message} (message offset ${p.offset})`,
      });
    const malformed = m.problems.length > 0;
    if (ref.ts > this.now) this.now = ref.ts;
    if (this.sink) this.settle(this.now - DNS_SETTLE);
    const key = `${capture}|${proto}|${client}|${cport}|${server}|${sport2}|${m.id}`;
    let o = this.open.get(key);
    if (!m.response) {
      if (o && o.t.response === null) {
        o.t.queries.push(ref);
        o.t.malformed ||= malformed;
        return;
      }
      o = this.create(capture, flowUid, proto, client, cport, server, sport2, m, port137(sport2, cport), ref);
      o.t.malformed = malformed;
      this.open.set(key, o);
      return;
    }
    if (!o || o.t.response !== null)
      o = this.create(capture, flowUid, proto, client, cport, server, sport2, m, port137(sport2, cport));
    this.respond(o.t, m, ref, malformed);
    // Answered: a later query or response with this id makes a new transaction anyway (above), so
    // the open table keeps only the unanswered ones and does not grow with the capture.
    this.open.delete(key);
    if (this.sink) this.settling.push(o);
  }

  /** Answered transactions whose response came before `before` go to the sink. */
  private settle(before: number): void {
    const q = this.settling;
    while (this.settled < q.length && q[this.settled].t.response!.ts < before) {
      const o = q[this.settled];
      this.settling[this.settled++] = DONE;
      this.sink!(o.t, o.seq);
    }
    if (this.settled > 1024 && this.settled * 2 > q.length) {
      this.settling = q.slice(this.settled);
      this.settled = 0;
    }
  }

  /** Everything still held goes to the sink (after a capture's last packet, or the analysis's). */
  end(): void {
    for (const o of this.open.values()) if (this.sink) this.sink(o.t, o.seq);
    this.open.clear();
    this.settle(Infinity);
    this.settling = [];
    this.settled = 0;
    this.now = -Infinity;
  }

  /**
   * Forget unanswered queries whose carrying flow Zeek would have expired (no packet since
   * `udpBefore` for UDP, `tcpBefore` for TCP): a response after that starts a new flow and a new
   * transaction there too. Without a sink the transactions stay in `transactions`.
   */
  expire(udpBefore: number, tcpBefore: number): void {
    for (const [k, o] of this.open) {
      const t = o.t;
      const last = t.queries.length ? t.queries[t.queries.length - 1].ts : -Infinity;
      if (last < (t.proto === "udp" ? udpBefore : tcpBefore)) {
        this.open.delete(k);
        this.sink?.(t, o.seq);
      }
    }
  }

  private create(
    capture: number,
    flowUid: string,
    proto: "udp" | "tcp",
    client: string,
    cport: number,
    server: string,
    sport: number,
    m: DnsMessage,
    nb: boolean,
    query: PacketRef | null = null,
  ): Settling {
    const q = m.questions[0];
    const t: DnsTransaction = {
      capture,
      flowUid,
      proto,
      client,
      clientPort: cport,
      server,
      serverPort: sport,
      id: m.id,
      query: q ? this.shared(nb ? netbiosName(q.name) : q.name.toLowerCase()) : null,
      ...(q?.cut ? { queryCut: true } : {}),
      qtype: q && !q.cut ? q.type : null,
      qtypeName: q && !q.cut ? dnsTypeName(q.type) : null,
      // A literal of one: an empty array that is pushed to gets room for 17 (held all analysis long).
      queries: query ? [query] : [],
      response: null,
      rcode: null,
      rcodeName: null,
      rejected: false,
      answers: [],
      rtt: null,
      authoritative: false,
      truncated: false,
      recursionDesired: m.recursionDesired,
      recursionAvailable: false,
      malformed: false,
    };
    if (!this.sink) this.transactions.push(t);
    return { t, seq: this.began++ };
  }

  private respond(t: DnsTransaction, m: DnsMessage, ref: PacketRef, malformed: boolean): void {
    t.response = ref;
    t.rcode = m.rcode;
    t.rcodeName = DNS_RCODES[m.rcode] ?? `RCODE${m.rcode}`;
    // Zeek raises dns_rejected for a response with no records in any section (DNS.cc).
    t.rejected = m.counts.an === 0 && m.counts.ns === 0 && m.counts.ar === 0;
    let answers = 0;
    for (const r of m.records) if (r.section === "answer") answers++;
    if (answers < m.counts.an) t.answersCut = true;
    t.answers = m.records
      .filter((r) => r.type !== 41)
      .map((r) => ({
        section: r.section,
        name: this.shared(r.name),
        type: r.type,
        typeName: dnsTypeName(r.type),
        ttl: r.ttl,
        data: this.shared(r.data),
      }));
    t.rtt = t.queries.length ? ref.ts - t.queries[0].ts : null;
    t.authoritative = m.authoritative;
    t.truncated = m.truncated;
    t.recursionAvailable = m.recursionAvailable;
    t.malformed ||= malformed;
    const q = m.questions[0];
    if (q && (t.query === null || (t.queryCut && !q.cut))) {
      t.query = this.shared(q.name.toLowerCase());
      if (q.cut) t.queryCut = true;
      else delete t.queryCut;
      t.qtype = q.cut ? null : q.type;
      t.qtypeName = q.cut ? null : dnsTypeName(q.type);
    }
  }
}

/** What a settled slot of the queue holds until it is compacted away. */
const DONE = { t: null as unknown as DnsTransaction, seq: -1 };

function port137(a: number, b: number): boolean {
  return a === 137 || b === 137;
}

/**
 * Capture evidence: one FlowSummary (one capture point) becomes CaptureFacts about the backend:
 * its DNS transactions, its TCP connections read by conn-outcome.ts, unanswered ARP and ICMP
 * errors. Which TCP conversation is the backend's: the target's addresses (and port), else the
 * addresses DNS answered for the backend's name, else the gateway's outbound connections that are
 * not DNS or management traffic.
 */
import { isIP } from "node:net";
import type { DnsTransaction, FlowSummary, IcmpError } from "../flows/types.js";
import { cutNameMatches, nameMatches, normName, type BackendTarget } from "./backend-target.js";
import { ConnFact } from "./conn-fact.js";
import type { ConnTable } from "./conn-table.js";
import { refsEvidence } from "./evidence-refs.js";
import { timeCover } from "./time-cover.js";
import type { Evidence } from "./types.js";

export { ConnFact };
export type { ConnTable };
export { isoOf, refsEvidence } from "./evidence-refs.js";

/**
 * One capture point as read: its summary without TCP records (they were reduced to table rows as
 * each connection ended, conn-table.ts), and that table in the order the connections started.
 */
export interface PointRead {
  summary: FlowSummary;
  tcp: ConnTable;
}

/**
 * `late`: an answer the client no longer waited for; its host answered it with ICMP port
 * unreachable (the resolver's socket was closed), so for the client it was no answer.
 */
export type DnsResult =
  "address" | "nxdomain" | "servfail" | "refused" | "nodata" | "unanswered" | "late" | "other";

export interface DnsFact {
  point: number;
  source: string;
  name: string;
  qtype: string;
  /** The address the query left from (the gateway's, for its own lookups). */
  client: string;
  server: string;
  result: DnsResult;
  rcode: number | null;
  addresses: string[];
  ttl?: number;
  time: number;
  queries: number;
  icmp?: IcmpError;
  /** For `late`: seconds from the first query to the answer. */
  lateBy?: number;
  forBackend: boolean;
  ev: Evidence;
}

export interface ArpFact {
  point: number;
  source: string;
  target: string;
  sender: string;
  requests: number;
  time: number;
  ev: Evidence;
}

export interface CaptureFacts {
  point: number;
  source: string;
  packets: number;
  /** Times of the first and last packet (null when the capture is empty). */
  firstTs: number | null;
  lastTs: number | null;
  truncated: boolean;
  dns: DnsFact[];
  conns: ConnFact[];
  arp: ArpFact[];
  /** ICMP unreachables quoting a packet to the backend whose connection is not in this capture. */
  strayIcmp: IcmpError[];
  /** All TCP connections seen, backend or not (to tell "no SYN at all" from "SYN elsewhere"). */
  tcpCount: number;
  /** Other TCP conversations (capped): who talks to whom, e.g. clients reaching the gateway's front side. */
  /**
   * Other connections in the capture (clients of the gateway), with the client's own MAC when its
   * SYN came straight from it.
   */
  frontConns: { client: string; server: string; port: number; clientMac?: string }[];
  /** Input damage: makes the diagnosis partial. */
  problems: string[];
  /** Harmless oddities worth telling (bad checksums from checksum offload). */
  notes: string[];
}

/** Management and infrastructure ports whose connections are never the backend conversation. */
const NOT_BACKEND_PORTS = new Set([22, 53, 5554, 9000, 9090, 2375, 2376]);

function timeRange(caps: { firstTs: number | null; lastTs: number | null }[]) {
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  for (const c of caps) {
    if (c.firstTs !== null && (firstTs === null || c.firstTs < firstTs)) firstTs = c.firstTs;
    if (c.lastTs !== null && (lastTs === null || c.lastTs > lastTs)) lastTs = c.lastTs;
  }
  return { firstTs, lastTs };
}

const quoteKey = (a: string, ap: number, b: string, bp: number) => `${a}|${ap}|${b}|${bp}`;

function dnsResult(t: DnsTransaction): DnsResult {
  if (t.rcode === null) return "unanswered";
  if (t.rcode === 3) return "nxdomain";
  if (t.rcode === 2) return "servfail";
  if (t.rcode === 5) return "refused";
  if (t.rcode !== 0) return "other";
  // Answer records the capture cut off: the name resolved, to what the capture cannot say.
  return t.answersCut || t.answers.some((a) => a.section === "answer" && (a.type === 1 || a.type === 28))
    ? "address"
    : "nodata";
}

/**
 * One DNS transaction as the rules read it. One class for all of them, the statement and its
 * evidence written only when read: a capture can hold a great many transactions, a diagnosis shows
 * few.
 */
class DnsTransactionFact implements DnsFact {
  readonly point: number;
  readonly source: string;
  readonly name: string;
  readonly qtype: string;
  readonly client: string;
  readonly server: string;
  readonly result: DnsResult;
  readonly rcode: number | null;
  readonly addresses: string[];
  readonly ttl: number | undefined;
  readonly time: number;
  readonly queries: number;
  readonly icmp: IcmpError | undefined;
  readonly lateBy: number | undefined;
  readonly forBackend: boolean;
  readonly #t: DnsTransaction;
  readonly #closed: IcmpError | undefined;
  #ev: Evidence | null = null;

  readonly #retry: ConnFact | undefined;

  constructor(
    t: DnsTransaction,
    point: number,
    source: string,
    icmpByQuote: Map<string, IcmpError>,
    matches: (name: string) => boolean,
    retry: TruncatedRetry = null,
    host?: string,
  ) {
    const closed = closedSocketIcmp(t, icmpByQuote);
    this.#retry = retry === "answered" || retry === null ? undefined : retry;
    this.#t = t;
    this.#closed = closed;
    this.point = point;
    this.source = source;
    // A question the snap length cut is the backend's when its labels begin the backend's name.
    const cutForBackend = t.queryCut === true && host !== undefined && cutNameMatches(t.query ?? "", host);
    this.name = cutForBackend ? normName(host) : (t.query ?? "");
    this.qtype = t.qtypeName ?? (t.qtype === null ? "?" : String(t.qtype));
    this.client = t.client;
    this.server = t.server;
    this.result = closed ? "late" : (truncatedResult(t, retry) ?? dnsResult(t));
    this.rcode = t.rcode;
    const addresses: string[] = [];
    let ttl: number | undefined;
    for (const a of t.answers) {
      if (a.section !== "answer") continue;
      if (a.type === 1 || a.type === 28) addresses.push(a.data);
      ttl = ttl === undefined ? a.ttl : Math.min(ttl, a.ttl);
    }
    this.addresses = addresses;
    this.time = t.queries[0]?.ts ?? t.response?.ts ?? 0;
    this.queries = t.queries.length + (this.#retry?.syns ?? 0);
    this.forBackend = cutForBackend || (!t.queryCut && matches(this.name));
    this.ttl = ttl;
    this.icmp =
      icmpByQuote.get(quoteKey(t.client, t.clientPort, t.server, t.serverPort)) ?? this.#retry?.icmp;
    this.lateBy = closed && t.response ? t.response.ts - (t.queries[0]?.ts ?? t.response.ts) : undefined;
  }

  get ev(): Evidence {
    if (this.#ev) return this.#ev;
    const t = this.#t;
    const icmp = this.icmp;
    const refs = [
      ...t.queries,
      ...(t.response ? [t.response] : []),
      ...(icmp ? [icmp.ref] : []),
      ...(this.#closed ? [this.#closed.ref] : []),
      ...(this.#retry ? this.#retry.refs : []),
    ];
    return (this.#ev = refsEvidence(this.source, refs, this.said()));
  }

  private said(): string {
    const t = this.#t;
    const { qtype, name, icmp } = this;
    if (this.#closed)
      return `${t.server} answered ${qtype} ${name} ${this.lateBy!.toFixed(1)} s after the query, when ${t.client} no longer waited (it answered with ICMP port unreachable)`;
    if (this.#retry)
      return `${t.server} answered ${qtype} ${name} truncated (TC), and the query again over TCP got no answer: the connection to ${t.server}:${t.serverPort} ${RETRY_SAID[this.#retry.outcome] ?? "carried no answer"}`;
    if (this.result === "unanswered")
      return `${t.queries.length} ${qtype} quer${t.queries.length === 1 ? "y" : "ies"} for ${name} to ${t.server} got no answer${icmp ? ` (ICMP type ${icmp.type} code ${icmp.code} from ${icmp.sender})` : ""}`;
    const cut = t.queryCut ? " (its question cut short by the capture's snap length)" : "";
    if (this.result === "address")
      return `${t.server} answered ${qtype} ${name}${cut} with ${this.addresses.join(", ")}`;
    return `${t.server} answered ${qtype} ${name}${cut} with rcode ${t.rcode} (${t.rcodeName ?? "?"})${this.result === "nodata" ? ", no address records" : ""}${aliasSaid(t)}`;
  }
}

/**
 * What followed a truncated UDP answer (TC, RFC 1035 section 4.2.1; RFC 7766): the same question
 * answered over TCP, the client's TCP connection to the server's port that carried no answer, or
 * nothing (the client took the addresses that fit, or the capture missed the rest).
 */
type TruncatedRetry = "answered" | ConnFact | null;

const RETRY_SAID: Partial<Record<ConnFact["outcome"], string>> = {
  unanswered: "got no SYN-ACK",
  refused: "was refused (RST)",
  icmp: "was rejected with ICMP",
  "no-response": "got no answer",
  closed: "was closed without an answer",
  reset: "was reset",
  idle: "carried no query",
};

/** A truncated answer says nothing final: the TCP retry's fate does, or the addresses that fit. */
function truncatedResult(t: DnsTransaction, retry: TruncatedRetry): DnsResult | null {
  if (t.proto !== "udp" || !t.truncated || !t.response) return null;
  if (retry === "answered") return "other";
  if (retry !== null) return "unanswered";
  return dnsResult(t) === "address" ? "address" : "other";
}

/** Seconds after a truncated answer within which the client's TCP connection is its retry. */
const TCP_RETRY_WINDOW = 5;

function truncatedRetry(
  t: DnsTransaction,
  all: readonly DnsTransaction[],
  tcp: Iterable<ConnFact>,
): TruncatedRetry {
  const at = t.response?.ts;
  if (t.proto !== "udp" || !t.truncated || at === undefined) return null;
  const same = (u: DnsTransaction) =>
    u.proto === "tcp" &&
    u.client === t.client &&
    u.server === t.server &&
    u.query === t.query &&
    u.qtype === t.qtype;
  if (all.some((u) => same(u) && u.response && (u.queries[0]?.ts ?? u.response.ts) >= at)) return "answered";
  for (const c of tcp)
    if (
      c.client === t.client &&
      c.address === t.server &&
      c.port === t.serverPort &&
      c.start >= at &&
      c.start - at < TCP_RETRY_WINDOW &&
      c.outcome !== "ok"
    )
      return c;
  return null;
}

/**
 * The CNAME chain of a failed answer (RFC 1034 section 3.6.2): the name asked for is an alias,
 * and what does not exist or has no address is the name it leads to.
 */
function aliasSaid(t: DnsTransaction): string {
  const chain = t.answers.filter((a) => a.section === "answer" && a.type === 5).map((a) => a.data);
  if (chain.length === 0) return "";
  const what = t.rcode === 3 ? "which does not exist" : "which has no address record";
  return `: ${t.query} is an alias (CNAME) of ${chain.join(" -> ")}, ${what}`;
}

function dnsFacts(
  s: FlowSummary,
  point: number,
  source: string,
  backend: BackendTarget,
  search: string[],
  tcp: Iterable<ConnFact> = [],
): DnsFact[] {
  // ICMP errors by the datagram they quote, so each query finds its own in one look-up.
  const icmpByQuote = new Map<string, IcmpError>();
  for (const e of s.icmp)
    if (e.quote && !icmpByQuote.has(quoteKey(e.quote.src, e.quote.srcPort, e.quote.dst, e.quote.dstPort)))
      icmpByQuote.set(quoteKey(e.quote.src, e.quote.srcPort, e.quote.dst, e.quote.dstPort), e);
  const matches = (name: string) => nameMatches(name, backend.host, search);
  const out: DnsFact[] = [];
  for (const t of s.dns)
    if (t.query !== null && t.qtype !== 12 && !isMulticast(t.server))
      out.push(
        new DnsTransactionFact(
          t,
          point,
          source,
          icmpByQuote,
          matches,
          truncatedRetry(t, s.dns, tcp),
          backend.host,
        ),
      );
  return out;
}

/**
 * A query to a multicast group is mDNS or LLMNR (RFC 6762, RFC 4795): the host asking its link,
 * where silence is the normal answer, never a name server the gateway was given.
 */
function isMulticast(a: string): boolean {
  if (isIP(a) === 6) return a.toLowerCase().startsWith("ff");
  const first = Number(a.split(".")[0]);
  return first >= 224 && first <= 239;
}

/**
 * The client's own ICMP port unreachable for the answer (RFC 1122 section 4.1.3.1): nobody
 * listened on the query's port any more, the resolver had timed out. Only right after the answer,
 * so an unrelated later error on a reused port does not count.
 */
function closedSocketIcmp(t: DnsTransaction, byQuote: Map<string, IcmpError>): IcmpError | undefined {
  if (t.proto !== "udp" || !t.response) return undefined;
  const e = byQuote.get(quoteKey(t.server, t.serverPort, t.client, t.clientPort));
  const portUnreachable = e && (e.v6 ? e.type === 1 && e.code === 4 : e.type === 3 && e.code === 3);
  if (!e || !portUnreachable || e.sender !== t.client) return undefined;
  const after = e.ref.ts - t.response.ts;
  return after >= 0 && after < 1 ? e : undefined;
}

/**
 * Without a port, the backend host's connections that started in the capture name its service: a
 * session picked up midstream on another port (an ssh login to the same host) is not the backend's.
 */
function sameService(hit: ConnFact[], backend: BackendTarget): ConnFact[] {
  if (backend.port !== undefined) return hit;
  const ports = new Set<number>();
  for (const c of hit) if (c.syns > 0) ports.add(c.port);
  return ports.size > 0 ? hit.filter((c) => c.syns > 0 || ports.has(c.port)) : hit;
}

/** Pick the TCP connections that are the gateway's conversation with its backend. */
export function backendConns(
  tcp: Iterable<ConnFact>,
  backend: BackendTarget,
  resolved: Set<string>,
  nameLookedUp = false,
): ConnFact[] {
  const portOk = (c: ConnFact) => backend.port === undefined || c.port === backend.port;
  const known = new Set([...backend.addresses, ...resolved]);
  if (known.size > 0) {
    const hit: ConnFact[] = [];
    for (const c of tcp) if (known.has(c.address) && portOk(c)) hit.push(c);
    if (hit.length > 0 || (backend.host && isIP(backend.host))) return sameService(hit, backend);
  }
  // The backend's name was looked up here and gave no address: whatever else the capture holds
  // is traffic to other hosts, never the backend's conversation.
  if (nameLookedUp && known.size === 0) return [];
  return outboundConns(tcp, backend, portOk);
}

/**
 * Nothing named: the gateway's outbound connections. A host that answers some connections and
 * opens others is the proxy in the middle; its opened ones are the backend side.
 * Either port: a management connection picked up midstream has its roles the wrong way round.
 * A few passes over the connections, so no list of all of them is made (a capture can hold a million).
 */
function outboundConns(
  tcp: Iterable<ConnFact>,
  backend: BackendTarget,
  portOk: (c: ConnFact) => boolean,
): ConnFact[] {
  // A port the target names is the backend's, whatever else it usually serves.
  const named = (c: ConnFact) => backend.port !== undefined && c.port === backend.port;
  const candidate = (c: ConnFact) =>
    (named(c) || (!NOT_BACKEND_PORTS.has(c.port) && !NOT_BACKEND_PORTS.has(c.cport))) &&
    !backend.gatewayAddresses.has(c.address) &&
    !(backend.frontPort !== undefined && c.port === backend.frontPort) &&
    portOk(c);
  const responders = new Set<string>();
  for (const c of tcp) responders.add(c.address);
  const outbound = (c: ConnFact) => responders.has(c.client) || backend.gatewayAddresses.has(c.client);
  let anyOutbound = false;
  for (const c of tcp)
    if (candidate(c) && outbound(c)) {
      anyOutbound = true;
      break;
    }
  const inFrom = (c: ConnFact) => candidate(c) && (!anyOutbound || outbound(c));
  // A connection picked up midstream (no SYN seen) was open before the capture began: a long
  // session (ssh, a pooled connection), or a late FIN of one. Neither is the connect that failed
  // while a connection whose start the capture holds is there to read.
  let anyStarted = false;
  for (const c of tcp)
    if (c.syns > 0 && inFrom(c)) {
      anyStarted = true;
      break;
    }
  // Keep the one destination with the most connections (a burst), preferring failing ones on a tie.
  // By address, then port: no key text made per connection.
  const byDest = new Map<string, Map<number, { conns: ConnFact[]; failing: number }>>();
  const dests: { conns: ConnFact[]; failing: number }[] = [];
  for (const c of tcp) {
    if (!inFrom(c) || (anyStarted && c.syns === 0)) continue;
    let ports = byDest.get(c.address);
    if (!ports) byDest.set(c.address, (ports = new Map()));
    let d = ports.get(c.port);
    if (!d) {
      ports.set(c.port, (d = { conns: [], failing: 0 }));
      dests.push(d);
    }
    d.conns.push(c);
    if (c.state !== "SF") d.failing++;
  }
  if (dests.length === 0) return [];
  const ranked = dests
    .sort((a, b) => b.failing - a.failing || b.conns.length - a.conns.length)
    .map((d) => d.conns);
  const more = fallbacks(ranked[0], ranked.slice(1));
  return more.length ? ranked[0].concat(more) : ranked[0];
}

/** Connect failures after which a client tries the name's next address (RFC 8305: refused, ICMP, or no answer). */
const CONNECT_FAILED = new Set(["REJ", "S0", "RSTOS0", "SH", "OTH"]);
/** How soon after a failed connect (or a first SYN, for Happy Eyeballs' parallel attempt) the next address is tried. */
const FALLBACK_SECONDS = 0.5;

/**
 * Other destinations on the same port that the client tried right after a failed connect: the
 * same name's other addresses (`[::1]` refused, then `127.0.0.1`; AAAA, then A). They belong to
 * the same conversation, so the last attempt decides it, not the first refused one.
 */
function fallbacks(first: ConnFact[], others: ConnFact[][]): ConnFact[] {
  if (first.some((c) => !CONNECT_FAILED.has(c.state))) return [];
  const port = first[0].port;
  // Attempts that start during a failed connect or just after it.
  const during = timeCover(first.map((c) => ({ start: c.start, end: c.end + FALLBACK_SECONDS })));
  return others.filter((d) => d[0].port === port && d.some((c) => during(c.start))).flat();
}

/** The point's DNS facts and the TCP connections that are the backend's. */
function pickBackend(p: PointRead, point: number, source: string, backend: BackendTarget, search: string[]) {
  const dns = dnsFacts(p.summary, point, source, backend, search, p.tcp);
  const resolved = new Set(dns.filter((d) => d.forBackend).flatMap((d) => d.addresses));
  // An answer whose records the capture cut named addresses it cannot show: any connection may be to one.
  const cutAnswer = dns.some((d) => d.forBackend && d.result === "address" && d.addresses.length === 0);
  const lookedUp = !cutAnswer && dns.some((d) => d.forBackend);
  return { dns, resolved, tcp: backendConns(p.tcp, backend, resolved, lookedUp) };
}

/** The addresses the backend's connections at this point go to, as captureFacts picks them. */
export function backendAddresses(p: PointRead, backend: BackendTarget, search: string[] = []): Set<string> {
  return new Set(pickBackend(p, 0, "", backend, search).tcp.map((c) => c.address));
}

export function captureFacts(
  p: PointRead,
  point: number,
  source: string,
  backend: BackendTarget,
  search: string[] = [],
): CaptureFacts {
  const s = p.summary;
  const { dns, resolved, tcp: conns } = pickBackend(p, point, source, backend, search);
  const known = new Set([...backend.addresses, ...resolved]);
  for (const c of conns) known.add(c.address);
  const arp: ArpFact[] = s.arp.map((a) => ({
    point,
    source,
    target: a.targetIp,
    sender: a.senderIp,
    requests: a.requests.length,
    time: a.requests[0]?.ts ?? 0,
    ev: refsEvidence(
      source,
      a.requests,
      `${a.requests.length} ARP requests from ${a.senderIp} for ${a.targetIp}, no reply`,
    ),
  }));
  p.tcp.point = point;
  p.tcp.source = source;
  // By row: a view made again for the same connection is another object.
  const mine = new Uint8Array(p.tcp.length);
  for (const c of conns) mine[c.row] = 1;
  const connUids = s.icmp.length ? new Set(conns.map((c) => c.uid)) : new Set<string>();
  const strayIcmp = s.icmp.filter(
    (e) =>
      e.kind === "unreachable" &&
      e.quote &&
      known.has(e.quote.dst) &&
      e.quote.proto === "tcp" &&
      !(e.flowUid && connUids.has(e.flowUid)),
  );
  // Bad checksums are kept (capture-analysis.ts): worth a note, not a reason to call the input partial.
  const serious = s.problems.filter((x) => x.kind !== "bad-checksum" && x.kind !== "copies");
  const badSums = s.problems.filter((x) => x.kind === "bad-checksum").length;
  const problems = serious
    .slice(0, 10)
    .map((x) => `${source}: ${x.message}${x.packet !== null ? ` (packet ${x.packet})` : ""}`);
  if (serious.length > 10) problems.push(`${source}: ${serious.length - 10} more problems`);
  const notes = badSums
    ? [`${source}: ${badSums} packet(s) with bad checksums, kept (checksum offload on the capturing host)`]
    : [];
  for (const x of s.problems) if (x.kind === "copies") notes.push(`${source}: ${x.message}`);
  const frontConns: CaptureFacts["frontConns"] = [];
  // By position, so the backend's own connections (most of a big capture) need no view here.
  for (let pos = 0; pos < p.tcp.length && frontConns.length < 100; pos++) {
    if (mine[p.tcp.rowAt(pos)]) continue;
    const c = p.tcp.at(pos);
    if (NOT_BACKEND_PORTS.has(c.port)) continue;
    frontConns.push({
      client: c.client,
      server: c.address,
      port: c.port,
      ...(c.clientMac !== undefined ? { clientMac: c.clientMac } : {}),
    });
  }
  return {
    point,
    source,
    packets: s.packets,
    ...timeRange(s.captures),
    truncated: s.captures.some((c) => c.truncated) || s.problems.some((x) => x.kind === "truncated-file"),
    dns,
    conns,
    arp,
    strayIcmp,
    tcpCount: p.tcp.length,
    frontConns,
    problems,
    notes,
  };
}

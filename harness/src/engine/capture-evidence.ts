/**
 * Capture evidence: one FlowSummary (one capture point) becomes CaptureFacts about the backend:
 * its DNS transactions, its TCP connections read by conn-outcome.ts, unanswered ARP and ICMP
 * errors. Which TCP conversation is the backend's: the target's addresses (and port), else the
 * addresses DNS answered for the backend's name, else the gateway's outbound connections that are
 * not DNS or management traffic.
 */
import { isIP } from "node:net";
import type { DnsTransaction, FlowSummary, IcmpError, PacketRef, TcpConnection } from "../flows/types.js";
import { nameMatches, type BackendTarget } from "./backend-target.js";
import { readConn, requestAcked, type ConnReading } from "./conn-outcome.js";
import { responseWaits } from "./response-wait.js";
import type { Evidence } from "./types.js";

/** TTLs that hosts start with (Linux and macOS 64, Windows 128, network gear 255): no router decremented them. */
const INITIAL_TTLS = new Set([64, 128, 255]);

export interface ConnFact extends ConnReading {
  point: number;
  source: string;
  uid: string;
  client: string;
  cport: number;
  address: string;
  port: number;
  start: number;
  end: number;
  syns: number;
  synGaps: number[];
  /** The first SYN: matched across capture points by 5-tuple and time. */
  firstSyn: PacketRef | null;
  synTtl: number | null;
  /** TTL of the backend's answer (SYN-ACK or RST) at this point. */
  answerTtl: number | null;
  retransmissions: number;
  /** Per answered exchange, seconds from the request's last byte to the response's first. */
  responseWaits: number[];
  acked: boolean;
  /** The Ethernet next hop the first SYN was sent to (Ethernet captures only). */
  synNextHopMac?: string;
  ev: Evidence;
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

/** ISO time of a capture timestamp; null when it lies outside the Date range (a damaged pcapng). */
export function isoOf(ts: number): string | null {
  const d = new Date(Math.round(ts * 1000));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function refsEvidence(source: string, refs: PacketRef[], statement: string): Evidence {
  const sorted = [...refs].sort((a, b) => a.n - b.n);
  const uniq = sorted.filter((r, i) => i === 0 || r.n !== sorted[i - 1].n).slice(0, 12);
  return {
    source,
    kind: "capture",
    packets: uniq.map((r) => r.n),
    times: uniq.map((r) => isoOf(r.ts)),
    statement,
  };
}

const quoteKey = (a: string, ap: number, b: string, bp: number) => `${a}|${ap}|${b}|${bp}`;

function dnsResult(t: DnsTransaction): DnsResult {
  if (t.rcode === null) return "unanswered";
  if (t.rcode === 3) return "nxdomain";
  if (t.rcode === 2) return "servfail";
  if (t.rcode === 5) return "refused";
  if (t.rcode !== 0) return "other";
  return t.answers.some((a) => a.section === "answer" && (a.type === 1 || a.type === 28))
    ? "address"
    : "nodata";
}

function dnsFacts(
  s: FlowSummary,
  point: number,
  source: string,
  backend: BackendTarget,
  search: string[],
): DnsFact[] {
  // ICMP errors by the datagram they quote, so each query finds its own in one look-up.
  const icmpByQuote = new Map<string, IcmpError>();
  for (const e of s.icmp)
    if (e.quote && !icmpByQuote.has(quoteKey(e.quote.src, e.quote.srcPort, e.quote.dst, e.quote.dstPort)))
      icmpByQuote.set(quoteKey(e.quote.src, e.quote.srcPort, e.quote.dst, e.quote.dstPort), e);
  return s.dns
    .filter((t) => t.query !== null && t.qtype !== 12)
    .map((t) => {
      const closed = closedSocketIcmp(t, icmpByQuote);
      const result = closed ? "late" : dnsResult(t);
      const addresses = t.answers
        .filter((a) => a.section === "answer" && (a.type === 1 || a.type === 28))
        .map((a) => a.data);
      const ttls = t.answers.filter((a) => a.section === "answer").map((a) => a.ttl);
      const icmp = icmpByQuote.get(quoteKey(t.client, t.clientPort, t.server, t.serverPort));
      const name = t.query ?? "";
      const qtype = t.qtypeName ?? String(t.qtype);
      const refs = [
        ...t.queries,
        ...(t.response ? [t.response] : []),
        ...(icmp ? [icmp.ref] : []),
        ...(closed ? [closed.ref] : []),
      ];
      const lateBy = closed && t.response ? t.response.ts - (t.queries[0]?.ts ?? t.response.ts) : undefined;
      const said = closed
        ? `${t.server} answered ${qtype} ${name} ${lateBy!.toFixed(1)} s after the query, when ${t.client} no longer waited (it answered with ICMP port unreachable)`
        : result === "unanswered"
          ? `${t.queries.length} ${qtype} quer${t.queries.length === 1 ? "y" : "ies"} for ${name} to ${t.server} got no answer${icmp ? ` (ICMP type ${icmp.type} code ${icmp.code} from ${icmp.sender})` : ""}`
          : result === "address"
            ? `${t.server} answered ${qtype} ${name} with ${addresses.join(", ")}`
            : `${t.server} answered ${qtype} ${name} with rcode ${t.rcode} (${t.rcodeName ?? "?"})${result === "nodata" ? ", no address records" : ""}`;
      const f: DnsFact = {
        point,
        source,
        name,
        qtype,
        client: t.client,
        server: t.server,
        result,
        rcode: t.rcode,
        addresses,
        time: t.queries[0]?.ts ?? t.response?.ts ?? 0,
        queries: t.queries.length,
        forBackend: nameMatches(name, backend.host, search),
        ev: refsEvidence(source, refs, said),
      };
      if (ttls.length) f.ttl = ttls.reduce((a, b) => Math.min(a, b));
      if (icmp) f.icmp = icmp;
      if (lateBy !== undefined) f.lateBy = lateBy;
      return f;
    });
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

/** Pick the TCP connections that are the gateway's conversation with its backend. */
export function backendConns(
  s: FlowSummary,
  backend: BackendTarget,
  resolved: Set<string>,
  nameLookedUp = false,
): TcpConnection[] {
  const portOk = (c: TcpConnection) => backend.port === undefined || c.id.respP === backend.port;
  const known = new Set([...backend.addresses, ...resolved]);
  if (known.size > 0) {
    const hit = s.tcp.filter((c) => known.has(c.id.respH) && portOk(c));
    if (hit.length > 0 || (backend.host && isIP(backend.host))) return hit;
  }
  // The backend's name was looked up here and gave no address: whatever else the capture holds
  // is traffic to other hosts, never the backend's conversation.
  if (nameLookedUp && known.size === 0) return [];
  // Nothing named: the gateway's outbound connections. A host that answers some connections and
  // opens others is the proxy in the middle; its opened ones are the backend side.
  const candidates = s.tcp.filter(
    (c) =>
      !NOT_BACKEND_PORTS.has(c.id.respP) &&
      !backend.gatewayAddresses.has(c.id.respH) &&
      !(backend.frontPort !== undefined && c.id.respP === backend.frontPort) &&
      portOk(c),
  );
  const responders = new Set(s.tcp.map((c) => c.id.respH));
  const outbound = candidates.filter(
    (c) => responders.has(c.id.origH) || backend.gatewayAddresses.has(c.id.origH),
  );
  const pool = outbound.length > 0 ? outbound : candidates;
  if (pool.length === 0) return [];
  // Keep the one destination with the most connections (a burst), preferring failing ones on a tie.
  const byDest = new Map<string, TcpConnection[]>();
  for (const c of pool) {
    const k = `${c.id.respH}|${c.id.respP}`;
    const list = byDest.get(k);
    if (list) list.push(c);
    else byDest.set(k, [c]);
  }
  const failing = (cs: TcpConnection[]) => cs.filter((c) => c.connState !== "SF").length;
  const ranked = [...byDest.values()].sort((a, b) => failing(b) - failing(a) || b.length - a.length);
  return [...ranked[0], ...fallbacks(ranked[0], ranked.slice(1))];
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
function fallbacks(first: TcpConnection[], others: TcpConnection[][]): TcpConnection[] {
  const failed = first.filter((c) => CONNECT_FAILED.has(c.connState));
  if (failed.length === 0 || failed.length < first.length) return [];
  const port = first[0].id.respP;
  return others
    .filter(
      (d) =>
        d[0].id.respP === port &&
        d.some((c) =>
          failed.some((f) => c.start >= f.start && c.start <= f.start + f.duration + FALLBACK_SECONDS),
        ),
    )
    .flat();
}

const OUTCOME_TEXT: Record<ConnFact["outcome"], string> = {
  ok: "got a response",
  unanswered: "got no answer to its SYNs",
  refused: "was refused with RST",
  icmp: "was answered with ICMP",
  "no-response": "got no response after the request",
  closed: "was closed by the backend without a response",
  reset: "was reset by the backend",
  "tls-failed": "failed in the TLS handshake",
  idle: "carried no request",
  other: "was seen only in part",
};

/** The point's DNS facts and the TCP connections that are the backend's, before reading them. */
function pickBackend(
  s: FlowSummary,
  point: number,
  source: string,
  backend: BackendTarget,
  search: string[],
) {
  const dns = dnsFacts(s, point, source, backend, search);
  const resolved = new Set(dns.filter((d) => d.forBackend).flatMap((d) => d.addresses));
  const lookedUp = dns.some((d) => d.forBackend);
  return { dns, resolved, tcp: backendConns(s, backend, resolved, lookedUp) };
}

/**
 * The addresses the backend's connections at this point go to, as captureFacts would pick them,
 * without reading each connection: cheap enough to settle which backend it is before the facts.
 */
export function backendAddresses(s: FlowSummary, backend: BackendTarget, search: string[] = []): Set<string> {
  return new Set(pickBackend(s, 0, "", backend, search).tcp.map((c) => c.id.respH));
}

export function captureFacts(
  s: FlowSummary,
  point: number,
  source: string,
  backend: BackendTarget,
  search: string[] = [],
): CaptureFacts {
  const { dns, resolved, tcp } = pickBackend(s, point, source, backend, search);
  const conns = tcp.map((c): ConnFact => {
    const r = readConn(c, s);
    const synSeg = c.segments.find((x) => x.dir === "orig" && (x.flags & 0x12) === 0x02);
    const ansSeg = c.segments.find((x) => x.dir === "resp" && (x.flags & 0x06) !== 0);
    const tuple = `${c.id.origH}:${c.id.origP} -> ${c.id.respH}:${c.id.respP}`;
    const extra =
      r.outcome === "icmp" && r.icmp
        ? ` (type ${r.icmp.type} code ${r.icmp.code} from ${r.icmp.sender})`
        : r.outcome === "unanswered"
          ? ` (${c.syns.length} SYNs${c.synGaps.length ? `, gaps ${c.synGaps.map((g) => g.toFixed(1)).join("/")} s` : ""})`
          : r.outcome === "tls-failed" && r.tlsAlert
            ? ` (${r.tlsAlert} from the ${r.tlsAlertBy === "orig" ? "gateway" : "backend"})`
            : r.outcome === "no-response" && r.waited !== undefined
              ? ` for ${r.waited.toFixed(1)} s${r.lateResponse ? ", then a late response" : ""}`
              : "";
    return {
      ...r,
      point,
      source,
      uid: c.uid,
      client: c.id.origH,
      cport: c.id.origP,
      address: c.id.respH,
      port: c.id.respP,
      start: c.start,
      end: c.start + c.duration,
      syns: c.syns.length,
      synGaps: c.synGaps,
      firstSyn: c.syns[0] ?? null,
      synTtl: synSeg?.ttl ?? c.origTtls[0] ?? null,
      answerTtl: ansSeg?.ttl ?? null,
      retransmissions: c.retransmissions,
      responseWaits: responseWaits(c),
      acked: requestAcked(c, r.gaveUpAt),
      ...(c.synMacs ? { synNextHopMac: c.synMacs.dst } : {}),
      ev: refsEvidence(
        source,
        r.refs,
        `${tuple} ${OUTCOME_TEXT[r.outcome]}${extra}${r.lateHandshake ? "; SYN-ACK only after a retransmitted SYN" : ""}${r.lateSynAck ? "; the SYN-ACK came only after the gateway gave up (its RST answered it)" : ""}`,
      ),
    };
  });
  const known = new Set([...backend.addresses, ...resolved, ...conns.map((c) => c.address)]);
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
  const connUids = new Set(conns.map((c) => c.uid));
  const strayIcmp = s.icmp.filter(
    (e) =>
      e.kind === "unreachable" &&
      e.quote &&
      known.has(e.quote.dst) &&
      e.quote.proto === "tcp" &&
      !(e.flowUid && connUids.has(e.flowUid)),
  );
  // Bad checksums are kept (capture-analysis.ts): worth a note, not a reason to call the input partial.
  const serious = s.problems.filter((p) => p.kind !== "bad-checksum");
  const badSums = s.problems.length - serious.length;
  const problems = serious
    .slice(0, 10)
    .map((p) => `${source}: ${p.message}${p.packet !== null ? ` (packet ${p.packet})` : ""}`);
  if (serious.length > 10) problems.push(`${source}: ${serious.length - 10} more problems`);
  const notes = badSums
    ? [`${source}: ${badSums} packet(s) with bad checksums, kept (checksum offload on the capturing host)`]
    : [];
  return {
    point,
    source,
    packets: s.packets,
    ...timeRange(s.captures),
    truncated: s.captures.some((c) => c.truncated) || s.problems.some((p) => p.kind === "truncated-file"),
    dns,
    conns,
    arp,
    strayIcmp,
    tcpCount: s.tcp.length,
    frontConns: s.tcp
      .filter((c) => !connUids.has(c.uid) && !NOT_BACKEND_PORTS.has(c.id.respP))
      .slice(0, 100)
      .map((c) => ({
        client: c.id.origH,
        server: c.id.respH,
        port: c.id.respP,
        // The MAC is the client's own only when its SYN crossed no router (an initial TTL).
        ...(c.synMacs && INITIAL_TTLS.has(c.origTtls[0] ?? 0) ? { clientMac: c.synMacs.src } : {}),
      })),
    problems,
    notes,
  };
}

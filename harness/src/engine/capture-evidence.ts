/**
 * Capture evidence: one FlowSummary (one capture point) becomes CaptureFacts about the backend:
 * its DNS transactions, its TCP connections read by conn-outcome.ts, unanswered ARP and ICMP
 * errors. Which TCP conversation is the backend's: the target's addresses (and port), else the
 * addresses DNS answered for the backend's name, else the gateway's outbound connections that are
 * not DNS or management traffic.
 */
import { isIP } from "node:net";
import type { FlowSummary, IcmpError } from "../flows/types.js";
import { nameMatches, type BackendTarget } from "./backend-target.js";
import { ConnFact } from "./conn-fact.js";
import type { ConnTable } from "./conn-table.js";
import type { DnsFact } from "./dns-fact.js";
import type { DnsDigest } from "./dns-digest.js";
import { refsEvidence } from "./evidence-refs.js";
import { timeCover } from "./time-cover.js";
import type { Evidence } from "./types.js";

export { ConnFact };
export type { ConnTable };
export type { DnsAll, DnsFact, DnsResult } from "./dns-fact.js";
export { isoOf, refsEvidence } from "./evidence-refs.js";

/**
 * One capture point as read: its summary without TCP records (they were reduced to table rows as
 * each connection ended, conn-table.ts), and that table in the order the connections started; its
 * DNS transactions likewise folded into a digest as each ended (dns-digest.ts).
 */
export interface PointRead {
  summary: FlowSummary;
  tcp: ConnTable;
  dns: DnsDigest;
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
  /** The DNS facts a rule can pick, a few of each kind in capture order (dns-digest.ts); `all` sums the kind. */
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
  const matches = (name: string) => nameMatches(name, backend.host, search);
  const dns = p.dns.facts({ point, source }, matches, backend.host, p.tcp, p.summary.icmp);
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

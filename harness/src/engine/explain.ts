/**
 * What a person reads: an explanation, next steps, and what would settle a look-alike, each a
 * typed map over every label (adding a label breaks the build here until it is explained).
 */
import type { Cause, PerCause } from "../taxonomy.js";
import type { CauseDetail } from "./findings.js";
import { culpritHop, hopText, type PathVerdict } from "./where-died.js";
import { tlsReasonMeaning } from "./tls-reason.js";

/** What the artifacts that were given contain: next steps never ask for them again. */
export interface Given {
  /** Capture point names, in path order when there are several. */
  points: string[];
  log: boolean;
  report: boolean;
}

export interface Context {
  host?: string;
  /** Backend address and port as text (`10.0.0.5:443`), or "the backend". */
  dest: string;
  backTimeout?: number;
  /** Where the failing connection died across the capture points (where-died.ts), when several were given. */
  path?: PathVerdict;
  /** Where connects lost their SYN or answer, over every connection of the captures (loss-hops.ts). */
  lossAt?: string;
  given: Given;
}

export type Render<T> = { readonly [K in Cause]: (d: CauseDetail[K], c: Context) => T };

export const at = (d: { address?: string; port?: number }, c: Context) =>
  d.address ? `${d.address}${d.port ? `:${d.port}` : ""}` : c.dest;
export const nm = (d: { name?: string }, c: Context) => d.name ?? c.host ?? "the backend's name";

/** The silent drop told by where it died: a lost answer is not "no answer at all". */
function silentDrop(d: CauseDetail["tcp.silent-drop"], c: Context): string {
  const syns = d.syns
    ? ` (${d.syns} SYNs${d.gaps?.length ? `, retransmitted after ${d.gaps.map((g) => g.toFixed(1)).join(", ")} s` : ""})`
    : "";
  const p = c.path;
  const hop = p ? culpritHop(p) : null;
  if (p?.kind === "answer-lost")
    return `The gateway's SYNs to ${at(d, c)} got nothing back${syns}, although the backend answered them: its answers were seen at ${p.answeredAt.join(", ")} and were dropped on the way back${hop ? `, in ${hopText(hop[0], hop[1])}` : ""}.`;
  const where =
    p?.kind === "syn-lost" && hop
      ? ` The SYNs were dropped in ${hopText(hop[0], hop[1])}: last seen at ${hop[0]}, never at ${hop[1]}.`
      : " Something on the path drops them silently (a firewall rule, a routing black hole, a dead host).";
  return `The gateway's SYNs to ${at(d, c)} got no answer at all${syns}: no SYN-ACK, no RST, no ICMP.${where}`;
}

/** A wait worth telling: half a second or more, against the back timeout when it is known. */
const slowest = (s: number | undefined, c: Context) =>
  s !== undefined && s >= 0.5
    ? `, the slowest ${s.toFixed(1)} s after its request${c.backTimeout ? ` (back-timeout ${c.backTimeout} s)` : ""}`
    : "";

export const EXPLAIN: Render<string> = {
  healthy: (d, c) =>
    `The gateway reached ${at(d, c)} and got ${d.responses ?? "a"} response${d.responses === 1 || d.responses === undefined ? "" : "s"} in time${slowest(d.slowest, c)}; nothing on the backend side failed.`,
  "dns.nxdomain": (d, c) =>
    `The name server${d.server ? ` ${d.server}` : ""} says ${nm(d, c)} does not exist (NXDOMAIN), so the gateway had no address to connect to and no SYN was sent.`,
  "dns.servfail": (d, c) =>
    `The name server${d.server ? ` ${d.server}` : ""} failed to resolve ${nm(d, c)} (SERVFAIL): it could not get an answer from the authoritative servers or its own configuration is broken.`,
  "dns.refused": (d, c) =>
    `The name server${d.server ? ` ${d.server}` : ""} refused to answer for ${nm(d, c)} (REFUSED): it does not serve that zone or does not accept queries from the gateway.`,
  "dns.no-address": (d, c) =>
    `${nm(d, c)} exists but has no ${d.qtype ?? "A/AAAA"} record (NOERROR with an empty answer, NODATA): the gateway got no address of the family it asked for.`,
  "dns.no-response": (d, c) =>
    d.late
      ? `No name server answered the gateway's queries for ${nm(d, c)} in time${d.servers.length ? ` (asked ${d.servers.join(", ")})` : ""}: ${d.late.answers} answer${d.late.answers === 1 ? "" : "s"} came ${d.late.after.toFixed(1)} s or more after ${d.late.answers === 1 ? "its query" : "their queries"}, when the gateway no longer waited (its ICMP port unreachable answered ${d.late.answers === 1 ? "it" : "them"}). The server or its upstream is too slow for the gateway's DNS timeout.`
      : `No name server answered the gateway's queries for ${nm(d, c)}${d.servers.length ? ` (asked ${d.servers.join(", ")})` : ""}${d.icmp ? `; ICMP ${d.icmp} came back instead` : ""}. The server is down, unreachable, or a firewall drops DNS.`,
  "dns.not-configured": (d, c) =>
    `The gateway has no name server configured, so it could not resolve ${nm(d, c)} at all: no DNS query left it.`,
  "dns.stale-cache": (d, c) =>
    `The gateway connected to ${d.cached.join(", ") || "a cached address"} from its DNS cache, but ${nm(d, c)} now resolves to ${d.current.join(", ") || "another address"}; the old address no longer serves the backend, so the connects failed.`,
  "tcp.silent-drop": silentDrop,
  "tcp.refused": (d, c) =>
    d.refusedOf
      ? `${at(d, c)} answered ${d.refusedOf[0]} of ${d.refusedOf[1]} SYNs with a reset (RST+ACK) and served the others: it listens only some of the time (a service restarting, a balancer member down, a connection limit or a firewall rule that rejects some connects)${d.rstTtl !== undefined ? `; the RST arrived with TTL ${d.rstTtl}` : ""}.`
      : `${at(d, c)} answered the SYN with a reset (RST+ACK): nothing listens on that port, or a firewall rejects with a TCP reset on its behalf${d.rstTtl !== undefined ? ` (the RST arrived with TTL ${d.rstTtl})` : ""}.`,
  "tcp.rejected-icmp": (d, c) =>
    `The SYN to ${at(d, c)} was rejected with ICMP type ${d.type ?? 3} code ${d.code ?? "?"}${d.sender ? ` sent by ${d.sender}` : ""}: ${d.fromDestination ? "the destination host itself refused it (host firewall or closed port)" : d.sender ? "a router or firewall on the path rejected it" : "something on the path rejected it"}.`,
  "net.host-unreachable": (d, c) =>
    d.arpTarget
      ? `Nobody answered ARP for ${d.arpTarget}: the host (or next hop) is down or not on that segment, so no packet to ${at(d, c)} could be delivered.`
      : `There is no path to ${at(d, c)}${d.sender ? `: ${d.sender} reported ICMP type ${d.type} code ${d.code}` : " (host or network unreachable)"}. The host is down, gone from its segment, or no route leads to it.`,
  "net.wrong-route": (d, c) =>
    `The gateway's routing sends ${at(d, c)} out of ${d.iface ?? "the wrong interface"}, from which the backend cannot be reached${d.why ? ` (${d.why})` : ""}.`,
  "backend.overloaded": (d, c) =>
    ({
      "late-synack": `${at(d, c)} answered SYNs only after they were retransmitted: the backend's listen queue was full and dropped the first SYNs.`,
      "partial-burst": `In a burst of connections to ${at(d, c)} some were accepted while others got no SYN-ACK: the backend's accept queue overflowed and it dropped the SYNs it had no room for.`,
      "unanswered-beside-backend": `The SYN reached the capture point beside ${at(d, c)} and was not answered: the host got it and did not respond, as a full listen queue does.`,
      "listen-overflow": `The backend's listen queue overflowed.`,
      log: `Some connections to ${at(d, c)} timed out while others in the same burst succeeded: the backend could not accept them all.`,
    })[d.how],
  "backend.timeout": (d, c) =>
    `The gateway connected to ${at(d, c)} and sent the request, which the backend acknowledged, but no response came${d.waited !== undefined ? ` within ${d.waited.toFixed(1)} s` : c.backTimeout ? ` within back-timeout ${c.backTimeout} s` : ""} before the gateway gave up${d.lateResponse ? "; a late response arrived after that" : ""}.`,
  "backend.closed": (d, c) =>
    `${at(d, c)} closed the connection (FIN) after the request${d.requestBytes ? ` (${d.requestBytes} bytes)` : ""} without sending any response.`,
  "backend.reset": (d, c) =>
    `${at(d, c)} aborted the connection with a RST after the handshake${d.afterResponse ? " (on a connection that had carried an earlier response: a restarted backend or an expired persistent connection)" : ""}, before any response to the request.`,
  "tls.handshake-failure": (d, c) => {
    const m = tlsReasonMeaning(d.alert);
    return `The TLS handshake with ${at(d, c)} failed${d.alert ? `: ${d.alert}` : ""}${d.by ? ` (${d.by === "gateway" ? "the gateway aborted it" : "the backend aborted it"})` : ""}. ${m[0].toUpperCase()}${m.slice(1)}.`;
  },
  "net.packet-loss": (d, c) =>
    `The path to ${at(d, c)} loses packets: ${
      d.diedOnPath
        ? `${d.diedOnPath} connect(s) lost the SYN or its answer between capture points while other connections to it got through`
        : `${d.retransmissions ? `${d.retransmissions} retransmissions` : "retransmissions"}${d.dupAcks ? ` and ${d.dupAcks} duplicate ACKs` : ""} on established connections`
    }${d.succeeded !== undefined ? `; ${d.succeeded} exchange(s) succeeded, ${d.failed ?? "some"} failed` : ""}.${c.lossAt ? ` The captures show where: ${c.lossAt}.` : ""}`,
};

/** What would tell the winner from its look-alikes when only one capture point is given. */
export const SETTLE: Partial<Record<Cause, string>> = {
  "tcp.silent-drop":
    "a capture beside the backend (SYN arrives and is not answered: an overloaded backend; SYN never arrives: a drop on the path) or the backend's TcpExtListenOverflows counter",
  "backend.overloaded":
    "the backend's TcpExtListenOverflows counter, or a capture beside the backend showing the SYNs arrive",
  "tcp.refused":
    "a capture beside the backend: an RST from the backend itself, or one forged by a firewall (different TTL)",
  "net.host-unreachable":
    "a capture on the backend's segment (unanswered ARP) and the router's neighbour table",
  "backend.timeout": "the backend's own logs for the request, and a capture beside it",
};

export function explain<K extends Cause>(cause: K, d: CauseDetail[K], c: Context): string {
  return (EXPLAIN[cause] as (d: CauseDetail[K], c: Context) => string)(d, c);
}

export const _perCauseCheck: PerCause<unknown> = EXPLAIN;

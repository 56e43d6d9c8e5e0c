/**
 * What a person reads: an explanation, next steps, and what would settle a look-alike, each a
 * typed map over every label (adding a label breaks the build here until it is explained).
 */
import type { Cause, PerCause } from "../taxonomy.js";
import type { CauseDetail } from "./findings.js";

export interface Context {
  host?: string;
  /** Backend address and port as text (`10.0.0.5:443`), or "the backend". */
  dest: string;
  backTimeout?: number;
}

type Render<T> = { readonly [K in Cause]: (d: CauseDetail[K], c: Context) => T };

const at = (d: { address?: string; port?: number }, c: Context) =>
  d.address ? `${d.address}${d.port ? `:${d.port}` : ""}` : c.dest;
const nm = (d: { name?: string }, c: Context) => d.name ?? c.host ?? "the backend's name";

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
  "tcp.silent-drop": (d, c) =>
    `The gateway's SYNs to ${at(d, c)} got no answer at all${d.syns ? ` (${d.syns} SYNs${d.gaps?.length ? `, retransmitted after ${d.gaps.map((g) => g.toFixed(1)).join(", ")} s` : ""})` : ""}: no SYN-ACK, no RST, no ICMP. Something on the path drops them silently (a firewall rule, a routing black hole, a dead host)${d.diedAfter ? `; ${d.diedAfter}` : ""}.`,
  "tcp.refused": (d, c) =>
    `${at(d, c)} answered the SYN with a reset (RST+ACK): nothing listens on that port, or a firewall rejects with a TCP reset on its behalf${d.rstTtl !== undefined ? ` (the RST arrived with TTL ${d.rstTtl})` : ""}.`,
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
  "tls.handshake-failure": (d, c) =>
    `The TLS handshake with ${at(d, c)} failed${d.alert ? `: ${d.alert}` : ""}${d.by ? ` (${d.by === "gateway" ? "the gateway aborted it" : "the backend aborted it"})` : ""}. Certificate trust, expiry, host name or protocol version do not match between gateway and backend.`,
  "net.packet-loss": (d, c) =>
    `The path to ${at(d, c)} loses packets: ${
      d.diedOnPath
        ? `${d.diedOnPath} connect(s) lost the SYN or its answer between capture points while other connections to it got through`
        : `${d.retransmissions ? `${d.retransmissions} retransmissions` : "retransmissions"}${d.dupAcks ? ` and ${d.dupAcks} duplicate ACKs` : ""} on established connections`
    }${d.succeeded !== undefined ? `; ${d.succeeded} exchange(s) succeeded, ${d.failed ?? "some"} failed` : ""}.`,
};

export const NEXT_STEPS: Render<string[]> = {
  healthy: () => [
    "Nothing to fix on the backend side; if clients still see errors, look at the front side and the gateway's own processing.",
  ],
  "dns.nxdomain": (d, c) => [
    `Check the spelling of ${nm(d, c)} in the backend URL and the search domains.`,
    `Ask the name server directly: dig ${nm(d, c)}.`,
    "Add the record, or a static host on the gateway.",
  ],
  "dns.servfail": (d, c) => [
    `Query the server directly (dig @server ${nm(d, c)}) and read its logs.`,
    "Check its forwarders / reachability of the authoritative servers and DNSSEC validation.",
  ],
  "dns.refused": (d, c) => [
    `Check that the name server serves ${nm(d, c)}'s zone and allows recursion for the gateway's address.`,
    "Point the gateway at a resolver that accepts its queries.",
  ],
  "dns.no-address": (d, c) => [
    `Add an A (or AAAA) record for ${nm(d, c)}, or change the gateway's IP preference to the family that exists.`,
  ],
  "dns.no-response": (d) =>
    d.late
      ? [
          "Find out why the name server answers late (its forwarders or upstream servers, its load).",
          `Raise the gateway's DNS timeout above ${d.late.after.toFixed(1)} s, or put a faster name server first.`,
        ]
      : [
          "Check that the name servers are up and listen on UDP and TCP 53.",
          "Check firewalls between gateway and name servers for DNS drops.",
          "Add a second name server, or lower the DNS timeout.",
        ],
  "dns.not-configured": () => [
    "Configure a name server in the default domain's DNS settings (name-server), or use a static host / IP address in the backend URL.",
  ],
  "dns.stale-cache": (d, c) => [
    `Flush the gateway's DNS cache (show dns-cache; clear dns-cache) and retry.`,
    `Lower the TTL of ${nm(d, c)} before moving a backend, or keep the old address serving until caches expire.`,
  ],
  "tcp.silent-drop": () => [
    "Look for drop rules on every firewall between gateway and backend (counters on the matching rule).",
    "Capture beside the backend: does the SYN arrive, and does the backend answer it?",
    "On the backend, check `nstat -az TcpExtListenOverflows` to rule out a full listen queue.",
  ],
  "tcp.refused": (d, c) => [
    `Check that the backend service listens on ${at(d, c)} (ss -ltn).`,
    "Check firewalls for reject-with-tcp-reset rules (a TTL differing from the backend's other packets betrays one).",
  ],
  "tcp.rejected-icmp": (d) => [
    d.fromDestination
      ? "Check the backend host's own firewall."
      : `Check the reject rule on ${d.sender ?? "the router that sent the ICMP"}.`,
    "Allow the gateway's address to the backend port.",
  ],
  "net.host-unreachable": (d) => [
    `Check that ${d.address ?? "the backend"} is up and attached to its segment (ARP/neighbour table on its router).`,
    "Check routes on the routers along the path.",
  ],
  "net.wrong-route": (d) => [
    `Fix the gateway's routing: the route for ${d.address ?? "the backend"} should leave by the interface facing the backend's router, not ${d.iface ?? "the current one"}.`,
    "Avoid several default routes on different interfaces.",
  ],
  "backend.overloaded": () => [
    "On the backend, check `nstat -az TcpExtListenOverflows` and the listen backlog (ss -ltn Send-Q).",
    "Scale the backend or raise its backlog; reduce the gateway's concurrency.",
  ],
  "backend.timeout": (_d, c) => [
    `Look at why the backend did not answer (application logs, thread dumps, slow dependencies).`,
    `Compare the backend's response time with the gateway's back-timeout${c.backTimeout ? ` (${c.backTimeout} s)` : ""}.`,
  ],
  "backend.closed": () => [
    "Read the backend's logs for the request: it closed without answering (crash, request rejected, idle timeout shorter than the gateway's).",
  ],
  "backend.reset": (d) => [
    d.afterResponse
      ? "Turn off or shorten the gateway's persistent connections (back-persistent-timeout) below the backend's idle timeout."
      : "Read the backend's logs: it aborted the connection (crash, restart, SO_LINGER 0, a proxy in front of it).",
  ],
  "tls.handshake-failure": () => [
    "Check the backend's certificate chain, expiry and host name against the gateway's validation credentials.",
    "Check the TLS versions and ciphers both sides allow (openssl s_client -connect host:port).",
  ],
  "net.packet-loss": () => [
    "Measure loss on the path (mtr, interface error and drop counters).",
    "Check duplex/MTU mismatches and overloaded links or firewalls.",
  ],
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

export function nextSteps<K extends Cause>(cause: K, d: CauseDetail[K], c: Context): string[] {
  return (NEXT_STEPS[cause] as (d: CauseDetail[K], c: Context) => string[])(d, c);
}

export const _perCauseCheck: PerCause<unknown> = EXPLAIN;

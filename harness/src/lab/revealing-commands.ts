/**
 * For each cause, the appliance's own troubleshooting commands (DOMAIN.md §6, as `lab shell`
 * offers them) that would have shown it, and what to look for in their output.
 */
import type { PerCause } from "../taxonomy.js";

export const REVEALING_COMMANDS: PerCause<string[]> = {
  healthy: [
    "send request: HTTP 200 from the backend",
    "show log 20: the request and its response, no error line",
  ],
  "dns.nxdomain": [
    "nslookup NAME: the name server answers NXDOMAIN",
    "show log 20 (after loglevel debug): the DNS answer with rcode 3 and no connect",
  ],
  "dns.servfail": ["nslookup NAME: the name server answers SERVFAIL", "show log 20: rcode 2, no connect"],
  "dns.refused": ["nslookup NAME: the name server answers REFUSED", "show log 20: rcode 5, no connect"],
  "dns.no-address": [
    "nslookup NAME: no error, but no address in the answer",
    "show dns-cache: no entry for the name",
  ],
  "dns.no-response": [
    "show dns: the configured name servers",
    "nslookup NAME: timed out",
    "packet-capture start, send request, packet-capture stop: queries with no answer",
  ],
  "dns.not-configured": ["show dns: no name server at all", "nslookup NAME: nothing to ask"],
  "dns.stale-cache": [
    "show dns-cache: the name with an address and a long TTL left",
    "nslookup NAME: the name server answers another address",
    "clear dns-cache, then send request: it works again",
  ],
  "tcp.silent-drop": [
    "test tcp-connection HOST PORT 5: timed out, no answer",
    "show tcp: a connection in syn_sent while it lasts",
    "packet-capture start, send request, packet-capture stop: SYNs retransmitted, nothing back",
  ],
  "tcp.refused": [
    "test tcp-connection HOST PORT: connection refused at once",
    "packet-capture: RST-ACK answering the SYN, from the backend's address",
  ],
  "tcp.rejected-icmp": [
    "test tcp-connection HOST PORT: fails at once (unreachable or refused)",
    "packet-capture: an ICMP error quoting the SYN, from a router's address",
  ],
  "net.host-unreachable": [
    "ping HOST: unreachable",
    "show netarp: no complete entry for the next hop",
    "test tcp-connection HOST PORT: no route to host",
  ],
  "net.wrong-route": [
    "show route: the backend's address sent out of the wrong interface",
    "packet-capture on that interface: the SYN leaves there",
  ],
  "backend.overloaded": [
    "test tcp-connection HOST PORT several times: some time out, some connect",
    "show tcp: connections in syn_sent beside established ones",
  ],
  "backend.timeout": [
    "test tcp-connection HOST PORT: connects (so the path is fine)",
    "send request: the gateway gives up after its back timeout",
    "show log 20: connected, request sent, no response",
  ],
  "backend.closed": [
    "test tcp-connection HOST PORT: connects",
    "packet-capture: FIN from the backend after the request, no response bytes",
  ],
  "backend.reset": [
    "test tcp-connection HOST PORT: connects",
    "packet-capture: RST from the backend after the request",
  ],
  "tls.handshake-failure": [
    "test tcp-connection HOST 443: connects (TCP is fine)",
    "show log 20: the ssl lines name the alert (unknown CA, expired, host name, protocol version)",
  ],
  "net.packet-loss": [
    "ping HOST: some echoes lost",
    "send request several times: some succeed, some time out",
    "packet-capture: retransmissions and duplicate ACKs",
  ],
};

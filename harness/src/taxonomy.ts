/**
 * The cause labels of ../shared/TAXONOMY.md: the contract between scenarios, the engine and the
 * reports. Adding a label here breaks the build wherever a map over every label is kept.
 */
export const CAUSES = [
  "healthy",
  "dns.nxdomain",
  "dns.servfail",
  "dns.refused",
  "dns.no-address",
  "dns.no-response",
  "dns.not-configured",
  "dns.stale-cache",
  "tcp.silent-drop",
  "tcp.refused",
  "tcp.rejected-icmp",
  "net.host-unreachable",
  "net.wrong-route",
  "backend.overloaded",
  "backend.timeout",
  "backend.closed",
  "backend.reset",
  "tls.handshake-failure",
  "net.packet-loss",
] as const;

export type Cause = (typeof CAUSES)[number];

/** A record with one entry per label: the compiler insists every label is handled. */
export type PerCause<T> = { readonly [K in Cause]: T };

export function isCause(s: string): s is Cause {
  return (CAUSES as readonly string[]).includes(s);
}

export const CAUSE_TITLES: PerCause<string> = {
  healthy: "The backend answered in time",
  "dns.nxdomain": "The backend's name does not exist (NXDOMAIN)",
  "dns.servfail": "The name server failed (SERVFAIL)",
  "dns.refused": "The name server refused the query (REFUSED)",
  "dns.no-address": "The name exists but has no address of the wanted family (NODATA)",
  "dns.no-response": "No name server answered",
  "dns.not-configured": "The gateway had no name server to ask",
  "dns.stale-cache": "The gateway connected to a cached address that is no longer the backend's",
  "tcp.silent-drop": "SYNs got no answer at all",
  "tcp.refused": "The destination refused the connection (RST)",
  "tcp.rejected-icmp": "Something on the path rejected the SYN with ICMP",
  "net.host-unreachable": "No path to the host",
  "net.wrong-route": "The SYN left by an interface from which the backend cannot be reached",
  "backend.overloaded": "The backend host was too busy to take the connection",
  "backend.timeout": "Connected and sent the request; no response before the gateway's timeout",
  "backend.closed": "The backend closed the connection without a response",
  "backend.reset": "The backend aborted the connection (RST)",
  "tls.handshake-failure": "TLS to the backend could not be set up",
  "net.packet-loss": "The path lost enough packets to break the exchange",
};

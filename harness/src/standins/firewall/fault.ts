import type { FaultRuleInput, IcmpRejectType, MatchInput } from "./fault-rule.js";

/**
 * Façade for firewall faults. `to` is where the gateway connects (the backend or the DNS server):
 * `{ host: "10.100.2.10", port: 443 }`; `direction` picks packets going to it (default), coming
 * from it, or both.
 */
export interface Target {
  host?: string;
  port?: number | [number, number];
  proto?: MatchInput["proto"];
  from?: string;
}
type Dir = "to" | "from";

const m = (t: Target, dir: Dir = "to"): MatchInput =>
  dir === "to"
    ? {
        proto: t.proto ?? (t.port !== undefined ? "tcp" : "any"),
        daddr: t.host,
        dport: t.port,
        saddr: t.from,
      }
    : {
        proto: t.proto ?? (t.port !== undefined ? "tcp" : "any"),
        saddr: t.host,
        sport: t.port,
        daddr: t.from,
      };

export const Fault = {
  allow: (t: Target): FaultRuleInput => ({ kind: "allow", match: m(t) }),
  /** Silent drop: the client retransmits SYNs on its backoff schedule (tcp.silent-drop). */
  drop: (t: Target, direction: Dir = "to"): FaultRuleInput => ({ kind: "drop", match: m(t, direction) }),
  /** RST from the router, spoofing the destination (tcp.refused). */
  resetTcp: (t: Target): FaultRuleInput => ({ kind: "reject-tcp-reset", match: m({ ...t, proto: "tcp" }) }),
  /** ICMP destination unreachable from the router's address (tcp.rejected-icmp, net.host-unreachable). */
  rejectIcmp: (t: Target, type: IcmpRejectType = "port-unreachable"): FaultRuleInput => ({
    kind: "reject-icmp",
    match: m(t),
    type,
  }),
  /** The backend's SYN-ACKs (or all its packets) are lost on the way back: an asymmetric path. */
  dropReturn: (t: Target, synAckOnly = true): FaultRuleInput => ({
    kind: "drop-return",
    match: m(t),
    synAckOnly,
  }),
  loss: (t: Target, percent: number): FaultRuleInput => ({ kind: "loss", match: m(t), percent }),
  /** Packets (or, with newConnections, connection attempts) over the rate are dropped. */
  rateLimit: (t: Target, packetsPerSecond: number, burst = 5, newConnections = false): FaultRuleInput => ({
    kind: "rate-limit",
    match: m(t),
    packetsPerSecond,
    burst,
    newConnections,
  }),
  /** DNS to the name server lost (dns.no-response): UDP and TCP port 53. */
  dropDns: (server: string): FaultRuleInput => ({
    kind: "drop",
    match: { proto: "any", daddr: server, dport: 53 },
  }),
} as const;

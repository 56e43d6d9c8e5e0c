import { isIP } from "node:net";
import { parseConfig } from "../control/load-config.js";
import { FaultRuleSchema, type FaultRule, type FaultRuleInput, type Match } from "./fault-rule.js";

/** The fault table: separate from the topology's base table, so clearing never touches it. */
export const FAULT_TABLE = "backside_faults";
export const FAULT_FAMILY = "inet";
/**
 * Before the base filter chain at the same hook (lower runs first). An `accept` here does not
 * end evaluation, the base chain still sees the packet (nft: "accept" is final per base chain
 * only), so a fault can only take traffic away, never let more through than the base allows.
 */
export const FAULT_PRIORITY = "filter - 10";

/**
 * The nft script that replaces the whole fault table atomically (`nft -f` is one transaction):
 * declaring the table first makes the delete succeed when none exists yet.
 */
export function renderFaultTable(rules: readonly FaultRuleInput[]): string {
  const parsed = rules.map((r, i) => parseConfig("firewall", FaultRuleSchema, r, `faults[${i}]`));
  const body = parsed.map((r, i) => `\t\t${renderRule(r, r.id ?? `f${i}`)}`);
  return [
    `table ${FAULT_FAMILY} ${FAULT_TABLE}`,
    `delete table ${FAULT_FAMILY} ${FAULT_TABLE}`,
    `table ${FAULT_FAMILY} ${FAULT_TABLE} {`,
    `\tchain forward {`,
    `\t\ttype filter hook forward priority ${FAULT_PRIORITY}; policy accept;`,
    ...body,
    `\t}`,
    `}`,
    "",
  ].join("\n");
}

/** Removes the fault table if present; the base table stays as it is. */
export function renderClear(): string {
  return `table ${FAULT_FAMILY} ${FAULT_TABLE}\ndelete table ${FAULT_FAMILY} ${FAULT_TABLE}\n`;
}

export function renderRule(r: FaultRule, id: string): string {
  const comment = `comment "backside:${r.kind}:${id}"`;
  switch (r.kind) {
    case "allow":
      return `${matchExpr(r.match)} accept ${comment}`;
    case "drop":
      return `${matchExpr(r.match)} drop ${comment}`;
    case "reject-tcp-reset":
      // A forward-chain reject answers the sender from the router, with the destination's
      // address spoofed as the RST source (nf_reject_ipv4.c builds it from the packet's tuple).
      return `${matchExpr({ ...r.match, proto: "tcp" })} reject with tcp reset ${comment}`;
    case "reject-icmp":
      // ICMP errors come from the router's own address (RFC 1812 §4.3.2.4): that is how a
      // capture tells a middlebox reject from the destination's own port-unreachable.
      return isV6(r.match)
        ? `meta nfproto ipv6 ${matchExpr(r.match)} reject with icmpv6 type ${icmp6(r.type)} ${comment}`
        : `meta nfproto ipv4 ${matchExpr(r.match)} reject with icmp type ${r.type} ${comment}`;
    case "drop-return": {
      const m = r.match;
      const back: Match = {
        ...m,
        saddr: m.daddr,
        daddr: m.saddr,
        sport: m.dport,
        dport: m.sport,
        iif: m.oif,
        oif: m.iif,
      };
      const flags = r.synAckOnly ? " tcp flags & (syn | ack) == syn | ack" : "";
      return `${matchExpr(r.synAckOnly ? { ...back, proto: "tcp" } : back)}${flags} drop ${comment}`;
    }
    case "loss":
      // numgen random draws per packet (nft_numgen.c): about percent % of matching packets go.
      if (r.percent === 100) return `${matchExpr(r.match)} drop ${comment}`;
      return `${matchExpr(r.match)} numgen random mod 100 < ${r.percent} drop ${comment}`;
    case "rate-limit":
      // nft_limit.c: a token bucket of `burst` packets refilled at the rate; over it, drop. Only
      // some packets go, so a counter says how many (`nft list ruleset` in the bundle).
      return `${matchExpr(r.match)}${r.newConnections ? " ct state new" : ""} limit rate over ${r.packetsPerSecond}/second burst ${r.burst} packets counter drop ${comment}`;
  }
}

function isV6(m: Match): boolean {
  return [m.saddr, m.daddr].some((a) => a !== undefined && isIP(a.split("/")[0]) === 6);
}

/** RFC 4443 §3.1 has fewer codes; each IPv4 type maps to its nearest ICMPv6 meaning. */
function icmp6(t: string): string {
  const map: Record<string, string> = {
    "net-unreachable": "no-route",
    "host-unreachable": "addr-unreachable",
    "prot-unreachable": "port-unreachable",
    "port-unreachable": "port-unreachable",
    "net-prohibited": "admin-prohibited",
    "host-prohibited": "admin-prohibited",
    "admin-prohibited": "admin-prohibited",
  };
  return map[t];
}

/** The match part of a rule, in nft syntax; an empty match matches every forwarded packet. */
export function matchExpr(m: Match): string {
  const parts: string[] = [];
  if (m.iif) parts.push(`iifname "${m.iif}"`);
  if (m.oif) parts.push(`oifname "${m.oif}"`);
  const fam = isV6(m) ? "ip6" : "ip";
  if (m.saddr) parts.push(`${fam} saddr ${m.saddr}`);
  if (m.daddr) parts.push(`${fam} daddr ${m.daddr}`);
  const ports = m.sport !== undefined || m.dport !== undefined;
  if (m.proto === "tcp" || m.proto === "udp") {
    parts.push(`meta l4proto ${m.proto}`);
  } else if (m.proto === "icmp") {
    parts.push(fam === "ip6" ? "meta l4proto ipv6-icmp" : "meta l4proto icmp");
  } else if (ports) {
    // `th` reads the transport header's ports, valid for both TCP and UDP.
    parts.push("meta l4proto { tcp, udp }");
  }
  if (m.sport !== undefined) parts.push(`th sport ${portExpr(m.sport)}`);
  if (m.dport !== undefined) parts.push(`th dport ${portExpr(m.dport)}`);
  return parts.join(" ") || "meta nfproto { ipv4, ipv6 }";
}

function portExpr(p: number | [number, number]): string {
  return typeof p === "number" ? String(p) : `${Math.min(...p)}-${Math.max(...p)}`;
}

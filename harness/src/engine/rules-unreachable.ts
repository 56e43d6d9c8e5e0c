/**
 * Capture rules for what is not a connection of its own: unanswered ARP (the host or next hop is
 * not on its segment; an on-link request for an address outside the sender's subnet betrays a
 * route out of the wrong interface) and ICMP errors about the backend whose SYN this capture
 * point did not see (RFC 792; ARP failure after the kernel's neighbour retries, DOMAIN.md section 8).
 */
import { isIP } from "node:net";
import type { ArpFact } from "./capture-evidence.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";
import { icmpMeaning, icmpName } from "./icmp-codes.js";
import { connectedInterface, inPrefix } from "./route-lookup.js";

function sameSubnet(f: Facts, a: string, b: string): boolean {
  const ifs = f.report?.report.interfaces ?? [];
  const i = connectedInterface(ifs, a);
  if (i) return i.addresses.some((x) => x.includes("/") && inPrefix(b, x) && inPrefix(a, x));
  // No report: assume the /24s the topology (and most LANs) use.
  return (
    isIP(a) === 4 &&
    isIP(b) === 4 &&
    a.split(".").slice(0, 3).join(".") === b.split(".").slice(0, 3).join(".")
  );
}

function arpRules(f: Facts, out: Finding[]): void {
  const backend = new Set([...f.backend.addresses, ...f.groups.map((g) => g.near.address)]);
  // Once the backend answered, unanswered ARP elsewhere (a dead name server, a stray host) is not why it failed.
  if (f.groups.some((g) => g.near.outcome === "ok")) return;
  const nameServers = new Set([
    ...f.captures.flatMap((c) => c.dns.map((d) => d.server)),
    ...(f.report?.report.dns?.servers.map((s) => s.address) ?? []),
  ]);
  const arps: ArpFact[] = f.captures.flatMap((c) => c.arp).filter((a) => !nameServers.has(a.target));
  for (const a of arps) {
    const cap = f.captures[a.point];
    const forBackend = backend.has(a.target);
    const synHere = cap.conns.some((c) => c.address === a.target || c.syns > 0);
    if (!forBackend && (synHere || cap.conns.length > 0)) continue;
    if (!sameSubnet(f, a.sender, a.target)) {
      // Asking on-link for an address outside the sender's subnet: a route sends it out of this interface.
      out.push(
        finding(
          "net.wrong-route",
          "strong",
          "capture",
          [{ ...a.ev, statement: `${a.ev.statement}; ${a.target} is not on ${a.sender}'s subnet` }],
          { address: a.target, why: `ARP for ${a.target} from ${a.sender}` },
        ),
      );
    } else if (forBackend || !synHere) {
      out.push(
        finding("net.host-unreachable", forBackend && !synHere ? "decisive" : "strong", "capture", [a.ev], {
          address: a.target,
          arpTarget: a.target,
        }),
      );
    }
  }
}

export function unreachableRules(f: Facts, out: Finding[]): void {
  arpRules(f, out);
  for (const cap of f.captures) {
    for (const e of cap.strayIcmp) {
      const m = icmpMeaning(e);
      const ev = {
        source: cap.source,
        kind: "capture" as const,
        packets: [e.ref.n],
        statement: `ICMP ${icmpName(e)} from ${e.sender} quoting a packet to ${e.quote?.dst}:${e.quote?.dstPort}`,
      };
      const d = {
        address: e.quote?.dst,
        port: e.quote?.dstPort,
        sender: e.sender,
        type: e.type,
        code: e.code,
      };
      if (m === "rejected")
        out.push(
          finding("tcp.rejected-icmp", "strong", "capture", [ev], {
            ...d,
            fromDestination: e.sender === e.quote?.dst,
          }),
        );
      if (m === "unreachable") out.push(finding("net.host-unreachable", "strong", "capture", [ev], d));
    }
  }
}

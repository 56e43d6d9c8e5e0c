/**
 * Scenario faults → the firewall's fault rules (standins/firewall), for one slot. "backend" is
 * the backend node's address and "dns" the dns node's: the firewall acts on what crosses it.
 */
import type { Fault as ScenarioFault } from "../scenarios/schema.js";
import type { FaultRuleInput, MatchInput } from "../standins/firewall/index.js";
import { nodeAddress } from "../topology/plan.js";

export function faultRule(f: ScenarioFault, slot: number, backendPort: number): FaultRuleInput {
  const toDns = f.path === "to-dns" || f.path === "from-dns";
  const host = toDns ? nodeAddress(slot, "dns", "dnsnet") : nodeAddress(slot, "backend", "back");
  const forward = f.path.startsWith("to-");
  const proto: MatchInput["proto"] = f.protocol;
  const match: MatchInput = forward
    ? { proto, daddr: host, dport: f.port }
    : { proto, saddr: host, sport: f.port };
  switch (f.action) {
    case "drop":
      if (f.tcpFlags === "syn-ack") {
        // drop-return takes the forward match and drops what comes back.
        return {
          kind: "drop-return",
          match: { proto: "tcp", daddr: host, dport: f.port ?? backendPort },
          synAckOnly: true,
        };
      }
      return { kind: "drop", match };
    case "reject":
      return f.with === "tcp-reset"
        ? { kind: "reject-tcp-reset", match: { ...match, proto: "tcp" } }
        : { kind: "reject-icmp", match, type: f.with };
    case "loss":
      return { kind: "loss", match, percent: f.percent };
    case "rate-limit":
      // A connection-rate limit: packets of connections already made are not counted.
      return {
        kind: "rate-limit",
        match,
        packetsPerSecond: f.perSecond,
        burst: f.burst,
        newConnections: true,
      };
  }
}

export function faultRules(
  faults: readonly ScenarioFault[],
  slot: number,
  backendPort: number,
): FaultRuleInput[] {
  return faults.map((f) => faultRule(f, slot, backendPort));
}

import type { TopologyPlan, SegmentName } from "./plan.js";

export const BASE_TABLE = "backside_base";

/**
 * The firewall's base table: forward only between the topology's own routed segments (both
 * ways), never to Docker's bridge addresses (.1 is the host), drop everything else. Fault rules
 * live in their own table: nftables runs every table's chain at a hook, and a drop in any one
 * is final, so faults need not edit this one.
 */
export function renderBaseRuleset(plan: TopologyPlan): string {
  const routed = (Object.keys(plan.segments) as SegmentName[]).filter((s) =>
    plan.nodes.firewall.segments.includes(s),
  );
  const subnets = routed.map((s) => plan.segments[s].subnet).join(", ");
  const bridges = routed.map((s) => plan.segments[s].bridgeAddress).join(", ");
  // `destroy` needs nft 1.0.8+; bookworm has 1.0.6, so add-then-delete makes re-applying idempotent.
  return `table inet ${BASE_TABLE}
delete table inet ${BASE_TABLE}
table inet ${BASE_TABLE} {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    ip daddr { ${bridges} } drop
    ip saddr { ${bridges} } drop
    ip saddr { ${subnets} } ip daddr { ${subnets} } accept
  }
}
`;
}

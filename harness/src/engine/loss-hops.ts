/**
 * Where loss happened, over every connection of the captures: each connection whose SYN or
 * answer died between two capture points counts for that hop. For a person: "2 SYNs lost in
 * the firewall itself (between firewall-mid.pcap and firewall-back.pcap)".
 */
import type { CaptureFacts } from "./capture-evidence.js";
import { capturePoints } from "./capture-path.js";
import type { ConnGroup } from "./conn-groups.js";
import { culpritHop, hopText } from "./where-died.js";

export function lossHops(groups: readonly ConnGroup[], captures: CaptureFacts[]): string | undefined {
  if (captures.length < 2) return undefined;
  const tally = new Map<string, { syn: number; answer: number }>();
  for (const g of groups) {
    const p = capturePoints(g, captures);
    const hop = p && culpritHop(p.died);
    if (!p || !hop) continue;
    const k = hopText(hop[0], hop[1]);
    const t = tally.get(k) ?? { syn: 0, answer: 0 };
    if (p.died.kind === "syn-lost") t.syn++;
    else t.answer++;
    tally.set(k, t);
  }
  const parts = [...tally.entries()]
    .sort((a, b) => b[1].syn + b[1].answer - (a[1].syn + a[1].answer))
    .map(([hop, t]) => {
      const what = [t.syn ? `${t.syn} SYN(s)` : "", t.answer ? `${t.answer} answer(s)` : ""].filter(Boolean);
      return `${what.join(" and ")} lost in ${hop}`;
    });
  return parts.length ? parts.join("; ") : undefined;
}

/** backend.overloaded from captures: unanswered connects in a burst of accepted ones, late SYN-ACKs. */
import { ESTABLISHED, type CaptureView } from "./capture-view.js";
import type { ConnGroup } from "./conn-groups.js";
import { finding, type Finding } from "./findings.js";

export function overloadRules(v: CaptureView, burst: ConnGroup[], out: Finding[]): void {
  const { groups, lossyGroups, late, conn, ev } = v;
  if (burst.length > 0 && lossyGroups.length === 0 && burst.length > 0) {
    out.push(
      finding(
        "backend.overloaded",
        "decisive",
        "capture",
        [
          ...burst.slice(0, 3).map((g) => g.near.ev),
          ...groups
            .filter((g) => ESTABLISHED.has(g.near.outcome))
            .slice(0, 2)
            .map((g) => g.near.ev),
        ],
        { ...conn, how: "partial-burst" },
      ),
    );
  }
  if (late.length > 0 && lossyGroups.length === 0) {
    out.push(
      finding(
        "backend.overloaded",
        "strong",
        "capture",
        late.slice(0, 3).map((g) => g.near.ev),
        { ...conn, how: "late-synack" },
      ),
    );
  }
}

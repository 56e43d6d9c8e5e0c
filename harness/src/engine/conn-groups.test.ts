import { describe, expect, it } from "vitest";
import type { CaptureFacts, ConnFact } from "./capture-evidence.js";
import { groupConns } from "./conn-groups.js";

/** One capture point's view of a connection: only what grouping reads. */
function view(point: number, start: number, end: number, synTtl: number): ConnFact {
  return {
    point,
    source: `p${point}.pcap`,
    client: "10.100.1.10",
    cport: 40000,
    address: "10.100.2.10",
    port: 80,
    start,
    end,
    synTtl,
    firstSyn: { capture: point, n: 1, ts: start },
  } as ConnFact;
}
const captures = (...views: ConnFact[][]) => views.map((conns) => ({ conns }) as CaptureFacts);

describe("grouping one connection's views across capture points", () => {
  // At the gateway's point: SYNs at 0, 1 and 2.05 s, the last answered. Beyond the firewall that
  // dropped the first two: only the third SYN, 2.05 s after the first.
  const near = view(0, 100, 102.1, 64);
  const far = view(1, 102.05, 102.1, 63);

  it("joins a view that starts seconds later, beyond a drop, while the other still runs", () => {
    for (const order of [captures([near], [far]), captures([far], [near])]) {
      const groups = groupConns(order);
      expect(groups.length).toBe(1);
      expect(groups[0].near.point).toBe(0);
      expect(groups[0].far.point).toBe(1);
      expect(groups[0].start).toBe(100);
    }
  });

  it("keeps a later connection on the same 5-tuple apart", () => {
    const again = view(1, 110, 110.1, 63);
    expect(groupConns(captures([near], [far, again])).length).toBe(2);
  });
});

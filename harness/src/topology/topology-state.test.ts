import { describe, expect, it } from "vitest";
import { onlyTrafficLeft, parseNodeState, stateLeaks } from "./topology-state.js";
import { keptTables } from "./reset-topology.js";
import { dockerSince } from "./started-node.js";

const text = (over: Record<string, string> = {}) =>
  Object.entries({
    addresses: "10.100.1.254/24\n10.100.2.254/24",
    routes: "10.100.1.0/24 proto kernel scope link src 10.100.1.254",
    neighbours: "",
    conntrack: "",
    sockets: "",
    nft: "table inet backside_base {\n}",
    qdiscs: "qdisc noqueue 0: root",
    processes: "docker-init\nentry.sh\nsleep",
    files: "",
    ...over,
  })
    .map(([k, v]) => `## ${k}\n${v}`)
    .join("\n");

describe("topology state", () => {
  it("reads each section of the state script's output", () => {
    const s = parseNodeState(text());
    expect(s.addresses).toBe("10.100.1.254/24\n10.100.2.254/24");
    expect(s.neighbours).toBe("");
  });

  it("a clean state has no leaks; traffic's leftovers and a changed structure are each named", () => {
    const pristine = { firewall: parseNodeState(text()) };
    expect(stateLeaks(pristine, pristine)).toEqual([]);
    const now = {
      firewall: parseNodeState(
        text({
          neighbours: "10.100.2.10 dev eth1 lladdr 02:42:0a:64:02:0a REACHABLE",
          nft: "table inet backside_base {\n}\ntable inet backside_faults {\n}",
        }),
      ),
    };
    const leaks = stateLeaks(pristine, now);
    expect(leaks).toHaveLength(2);
    expect(leaks[0]).toMatch(/^firewall: nft differ from bring-up \(\+ table inet backside_faults \{\)/);
    expect(leaks[1]).toMatch(/^firewall: neighbours left: 1 \(10\.100\.2\.10/);
  });

  it("only traffic left: neighbour, conntrack entries and sockets, never a changed structure", () => {
    const pristine = { firewall: parseNodeState(text()) };
    const neighbour = "10.100.43.53 dev eth1 lladdr 02:42:0a:64:2b:35 STALE";
    const traffic = { firewall: parseNodeState(text({ neighbours: neighbour, conntrack: "tcp 6 ..." })) };
    expect(onlyTrafficLeft(pristine, traffic)).toBe(true);
    const rule = { firewall: parseNodeState(text({ neighbours: neighbour, nft: "table inet x {\n}" })) };
    expect(onlyTrafficLeft(pristine, rule)).toBe(false);
    const process = {
      firewall: parseNodeState(text({ processes: "docker-init\nentry.sh\nsleep\ntcpdump" })),
    };
    expect(onlyTrafficLeft(pristine, process)).toBe(false);
  });

  it("the firewall keeps the tables it came up with", () => {
    expect(keptTables("table inet backside_base {\n  chain forward {\n}\n}\ntable ip nat {\n}")).toEqual([
      "inet backside_base",
      "ip nat",
    ]);
  });

  it("Docker's log timestamps become its `since` form, nanoseconds kept", () => {
    expect(dockerSince("2026-12-01T11:55:40.105123456Z")).toBe("1796126140.105123456");
    expect(dockerSince("2026-12-01T11:55:40Z")).toBe("1796126140.000000000");
    expect(dockerSince("yesterday")).toBeUndefined();
  });
});

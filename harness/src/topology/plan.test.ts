import { describe, expect, it } from "vitest";
import {
  NODES,
  SEGMENTS,
  planFor,
  segmentSubnet,
  slotOfSubnet,
  nodeAddress,
  checkSlot,
  SLOT_COUNT,
} from "./plan.js";

describe("plan", () => {
  it("slot 0 is the compose slot of ARCHITECTURE.md", () => {
    const p = planFor(0);
    expect(SEGMENTS.map((s) => p.segments[s].subnet)).toEqual([
      "10.100.0.0/24",
      "10.100.1.0/24",
      "10.100.2.0/24",
      "10.100.3.0/24",
    ]);
    expect(p.nodes.gateway.addresses).toEqual({ front: "10.100.0.10", mid: "10.100.1.10" });
    expect(p.nodes.client.addresses).toEqual({ front: "10.100.0.20" });
    expect(p.nodes.firewall.addresses).toEqual({
      mid: "10.100.1.254",
      back: "10.100.2.254",
      dnsnet: "10.100.3.254",
    });
    expect(p.nodes.backend.addresses).toEqual({ back: "10.100.2.10" });
    expect(p.nodes.dns.addresses).toEqual({ dnsnet: "10.100.3.53" });
    expect(p.dnsServer).toBe("10.100.3.53");
  });

  it("slots are four consecutive /24s crossing the second octet (10.100.0.0/14)", () => {
    expect(segmentSubnet(1, "front")).toBe("10.100.4.0/24");
    expect(segmentSubnet(63, "dnsnet")).toBe("10.100.255.0/24");
    expect(segmentSubnet(64, "front")).toBe("10.101.0.0/24");
    expect(segmentSubnet(255, "dnsnet")).toBe("10.103.255.0/24");
  });

  it("every slot's subnets map back to it and no two slots share one", () => {
    const seen = new Set<string>();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      for (const s of SEGMENTS) {
        const sub = segmentSubnet(slot, s);
        expect(seen.has(sub)).toBe(false);
        seen.add(sub);
        expect(slotOfSubnet(sub)).toBe(slot);
      }
    }
    expect(slotOfSubnet("10.104.0.0/24")).toBeUndefined();
    expect(slotOfSubnet("172.17.0.0/16")).toBeUndefined();
  });

  it("rejects slots outside 0-255 and nodes off a segment", () => {
    expect(() => checkSlot(256)).toThrow(expect.objectContaining({ code: "USAGE" }));
    expect(() => checkSlot(-1)).toThrow(expect.objectContaining({ code: "USAGE" }));
    expect(() => nodeAddress(0, "client", "mid")).toThrow(expect.objectContaining({ code: "USAGE" }));
  });

  it("routes go via the firewall on the node's own segment; firewall and client get none", () => {
    const p = planFor(5);
    expect(p.nodes.gateway.routes).toEqual([`default via ${p.nodes.firewall.addresses.mid}`]);
    expect(p.nodes.backend.routes).toEqual([`default via ${p.nodes.firewall.addresses.back}`]);
    expect(p.nodes.dns.routes).toEqual([`default via ${p.nodes.firewall.addresses.dnsnet}`]);
    expect(p.nodes.firewall.routes).toEqual([]);
    expect(p.nodes.client.routes).toEqual([]);
  });

  it("only the firewall forwards; only the front segment is internal; NET_RAW only where routing or capturing", () => {
    const p = planFor(0);
    for (const n of NODES) {
      expect(p.nodes[n].sysctls["net.ipv4.ip_forward"] === "1").toBe(n === "firewall");
      expect(p.nodes[n].sysctls["net.ipv6.conf.all.disable_ipv6"]).toBe("1");
      expect(p.nodes[n].capAdd.includes("NET_RAW")).toBe(n !== "client");
    }
    expect(p.nodes.client.capDrop).toContain("NET_RAW");
    expect(SEGMENTS.filter((s) => p.segments[s].internal)).toEqual(["front"]);
    expect(p.segments.front.members).toEqual(["client", "gateway"]);
  });
});

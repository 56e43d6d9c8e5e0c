import { describe, expect, it } from "vitest";
import { connectedInterface, inPrefix, lookupRoute } from "./route-lookup.js";
import type { Route } from "../appliance/index.js";

const routes: Route[] = [
  { destination: "default", gateway: "10.100.1.254", interface: "eth1", family: "inet", metric: 10 },
  { destination: "default", gateway: "10.100.0.1", interface: "eth0", family: "inet", metric: 20 },
  { destination: "10.100.2.0/24", gateway: "10.100.1.254", interface: "eth1", family: "inet" },
  { destination: "10.100.2.10", interface: "eth0", family: "inet" },
  { destination: "fd00::/8", interface: "eth1", family: "inet6" },
];

describe("route lookup (longest prefix, then metric, as net/ipv4/fib_trie.c)", () => {
  it("a host route beats the /24 and the default", () => {
    expect(lookupRoute(routes, "10.100.2.10")?.interface).toBe("eth0");
    expect(lookupRoute(routes, "10.100.2.11")?.destination).toBe("10.100.2.0/24");
  });
  it("between two defaults the lower metric wins", () => {
    expect(lookupRoute(routes, "192.0.2.1")?.interface).toBe("eth1");
  });
  it("IPv6 addresses only match inet6 routes", () => {
    expect(lookupRoute(routes, "fd12::1")?.interface).toBe("eth1");
    expect(
      lookupRoute(
        routes.filter((r) => r.family === "inet"),
        "fd12::1",
      ),
    ).toBeUndefined();
  });
  it("prefix membership handles /0, /32 and odd lengths", () => {
    expect(inPrefix("10.1.2.3", "0.0.0.0/0")).toBe(true);
    expect(inPrefix("10.1.2.3", "10.1.2.3/32")).toBe(true);
    expect(inPrefix("10.1.2.3", "10.1.2.0/29")).toBe(true);
    expect(inPrefix("10.1.2.9", "10.1.2.0/29")).toBe(false);
    expect(inPrefix("not-an-ip", "10.0.0.0/8")).toBe(false);
  });
  it("finds the interface whose subnet holds an address", () => {
    expect(
      connectedInterface(
        [{ name: "eth1", adminStatus: "up", operStatus: "up", addresses: ["10.100.1.10/24"] }],
        "10.100.1.254",
      )?.name,
    ).toBe("eth1");
  });
});

/**
 * Longest-prefix match over the error report's routing table (RoutingStatus), as the kernel's FIB
 * lookup does (net/ipv4/fib_trie.c): the most specific prefix wins, then the lowest metric.
 */
import { isIP } from "node:net";
import type { InterfaceStatus, Route } from "../appliance/index.js";

function bits(addr: string): bigint | undefined {
  const fam = isIP(addr);
  if (fam === 4) return addr.split(".").reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
  if (fam !== 6) return undefined;
  const [head, tail] = addr.includes("::") ? addr.split("::") : [addr, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  if (h.some((x) => x.includes(".")) || t.some((x) => x.includes("."))) return undefined;
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}

/** Whether `addr` lies in `cidr` (`10.0.0.0/8`, `default`, or a bare address as a host route). */
export function inPrefix(addr: string, cidr: string): boolean {
  const v6 = isIP(addr) === 6;
  if (cidr === "default") return true;
  const [net, lenText] = cidr.split("/");
  if ((isIP(net) === 6) !== v6) return false;
  const width = v6 ? 128 : 32;
  const len = lenText === undefined ? width : Number(lenText);
  const a = bits(addr);
  const n = bits(net);
  if (a === undefined || n === undefined || !(len >= 0 && len <= width)) return false;
  const shift = BigInt(width - len);
  return a >> shift === n >> shift;
}

function prefixLen(cidr: string, v6: boolean): number {
  if (cidr === "default") return 0;
  const l = cidr.split("/")[1];
  return l === undefined ? (v6 ? 128 : 32) : Number(l);
}

/** The route the kernel would take for `addr`, or undefined when none matches. */
export function lookupRoute(routes: Route[], addr: string): Route | undefined {
  const v6 = isIP(addr) === 6;
  const fam = v6 ? "inet6" : "inet";
  return routes
    .filter((r) => r.family === fam && inPrefix(addr, r.destination))
    .sort(
      (a, b) =>
        prefixLen(b.destination, v6) - prefixLen(a.destination, v6) || (a.metric ?? 0) - (b.metric ?? 0),
    )[0];
}

/** The interface whose own subnet holds `addr` (a directly connected host), if any. */
export function connectedInterface(ifs: InterfaceStatus[], addr: string): InterfaceStatus | undefined {
  return ifs.find((i) => i.addresses.some((a) => a.includes("/") && inPrefix(addr, a)));
}

/**
 * Which ICMP destination-unreachable codes mean "rejected" (a filter said no, or the port is
 * closed) and which mean "no path" (RFC 792, RFC 1812 section 5.2.7.1; ICMPv6: RFC 4443 section 3.1).
 */
import type { IcmpError } from "../flows/types.js";

const REJECT_V4 = new Set([2, 3, 9, 10, 13]);
const UNREACH_V4 = new Set([0, 1, 5, 6, 7, 11, 12]);
const REJECT_V6 = new Set([1, 4, 5, 6]);
const UNREACH_V6 = new Set([0, 2, 3]);

export function icmpMeaning(
  e: Pick<IcmpError, "v6" | "type" | "code">,
): "rejected" | "unreachable" | undefined {
  if (!e.v6 && e.type === 3)
    return REJECT_V4.has(e.code) ? "rejected" : UNREACH_V4.has(e.code) ? "unreachable" : undefined;
  if (e.v6 && e.type === 1)
    return REJECT_V6.has(e.code) ? "rejected" : UNREACH_V6.has(e.code) ? "unreachable" : undefined;
  return undefined;
}

const NAMES_V4: Record<number, string> = {
  0: "net unreachable",
  1: "host unreachable",
  2: "protocol unreachable",
  3: "port unreachable",
  5: "source route failed",
  6: "destination network unknown",
  7: "destination host unknown",
  9: "network administratively prohibited",
  10: "host administratively prohibited",
  11: "network unreachable for TOS",
  12: "host unreachable for TOS",
  13: "communication administratively prohibited",
};

export function icmpName(e: Pick<IcmpError, "v6" | "type" | "code">): string {
  if (!e.v6 && e.type === 3) return NAMES_V4[e.code] ?? `unreachable code ${e.code}`;
  return `ICMP${e.v6 ? "v6" : ""} type ${e.type} code ${e.code}`;
}

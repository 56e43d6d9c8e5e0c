/** Address references from scenario files → IPv4 addresses of this run's slot (topology/plan.ts). */
import { parseAddressRef, HOME_SEGMENT, type AddressRef } from "../scenarios/address-ref.js";
import { nodeAddress, segmentPrefix } from "../topology/plan.js";
import { BacksideError } from "../errors.js";

export function resolveRef(slot: number, ref: AddressRef): string {
  if (ref.kind === "node") return nodeAddress(slot, ref.node, HOME_SEGMENT[ref.node]);
  return `${segmentPrefix(slot, ref.segment)}.${ref.host}`;
}

/** For text already validated by the scenario schema. */
export function resolveAddress(slot: number, text: string): string {
  const ref = parseAddressRef(text);
  if (typeof ref === "string")
    throw new BacksideError("INTERNAL", `'${text}' is not an address reference: ${ref}`);
  return resolveRef(slot, ref);
}

/** A host that may be a DNS name or an address reference (the gateway's backend URL). */
export function resolveHost(slot: number, host: string): { host: string; isName: boolean } {
  const ref = parseAddressRef(host);
  return typeof ref === "string" ? { host, isName: true } : { host: resolveRef(slot, ref), isName: false };
}

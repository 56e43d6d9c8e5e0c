/**
 * Addresses in scenario files are written relative to the topology, never as literal IPs: a run's
 * slot decides the real subnet, and a literal could point outside the project's own containers
 * (ENVIRONMENT.md "Traffic rules"). A reference is a node name (`backend`: its address on its
 * home segment) or a host part on a segment (`back:.77`, an address nobody holds).
 */
export const NODE_NAMES = ["client", "gateway", "firewall", "backend", "dns"] as const;
export type NodeName = (typeof NODE_NAMES)[number];

export const SEGMENT_NAMES = ["front", "mid", "back", "dnsnet"] as const;
export type SegmentName = (typeof SEGMENT_NAMES)[number];

export type AddressRef =
  { kind: "node"; node: NodeName } | { kind: "host"; segment: SegmentName; host: number };

/** The segment a node's own services are reached on (ARCHITECTURE.md "Topology"). */
export const HOME_SEGMENT: Record<NodeName, SegmentName> = {
  client: "front",
  gateway: "mid",
  firewall: "mid",
  backend: "back",
  dns: "dnsnet",
};

const HOST_REF = /^(front|mid|back|dnsnet):\.(\d{1,3})$/;

/** Parses a reference; returns a message (without the path) when it is not one. */
export function parseAddressRef(text: string): AddressRef | string {
  if ((NODE_NAMES as readonly string[]).includes(text)) return { kind: "node", node: text as NodeName };
  const m = HOST_REF.exec(text);
  if (m) {
    const host = Number(m[2]);
    // .0 is the network, .1 Docker's bridge on the host, .255 broadcast: never targets.
    if (host < 2 || host > 254) return `host part .${host} must be 2-254`;
    return { kind: "host", segment: m[1] as SegmentName, host };
  }
  return `must be a node name (${NODE_NAMES.join(", ")}) or <segment>:.<host> such as back:.77`;
}

export function isAddressRef(text: string): boolean {
  return typeof parseAddressRef(text) !== "string";
}

export function formatAddressRef(ref: AddressRef): string {
  return ref.kind === "node" ? ref.node : `${ref.segment}:.${ref.host}`;
}

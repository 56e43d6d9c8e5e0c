/**
 * The topology's single source of truth (ARCHITECTURE.md "Topology"): nodes, segments, host
 * parts, slot -> subnet arithmetic, images, capabilities, sysctls and routes. The runtime,
 * `backside up` and docker-compose.yml (see compose.ts) are all derived from here.
 */
import { imageRef } from "../images/catalog.js";
import { BacksideError } from "../errors.js";

export const SEGMENTS = ["front", "mid", "back", "dnsnet"] as const;
export type SegmentName = (typeof SEGMENTS)[number];

export const NODES = ["client", "gateway", "firewall", "backend", "dns"] as const;
export type NodeName = (typeof NODES)[number];

/** 10.100.0.0/14 holds 1024 /24s, four per slot. */
export const SLOT_COUNT = 256;
/** Slot 0 belongs to docker-compose.yml; runs start looking from 1. */
export const COMPOSE_SLOT = 0;

interface NodeSpec {
  /** Host part of the node's address on each segment it joins; the first is its primary network. */
  hosts: Partial<Record<SegmentName, number>>;
  /** The segment whose firewall address is this node's default route; none for client and firewall. */
  routeVia?: SegmentName;
  /** Routing or capturing nodes only (ARCHITECTURE.md); the client only NET_ADMIN, see below. */
  caps: readonly string[];
  /** Docker's default set includes NET_RAW; nodes that neither route nor capture lose it. */
  capDrop: readonly string[];
  sysctls: Readonly<Record<string, string>>;
}

/**
 * IPv6 is off everywhere so nothing leaves by a path the IPv4 rules do not cover. Forwarding
 * is off explicitly: a new netns inherits IPv4 settings from the host's (devconf_inherit_init_net
 * = 0, ip-sysctl.rst), and Docker hosts forward, so the gateway would route front <-> mid (measured).
 */
const NO_V6 = {
  "net.ipv6.conf.all.disable_ipv6": "1",
  "net.ipv6.conf.default.disable_ipv6": "1",
  "net.ipv4.ip_forward": "0",
} as const;
const NET_CAPS = ["NET_ADMIN", "NET_RAW"] as const;

const SPECS: Readonly<Record<NodeName, NodeSpec>> = {
  // Docker 20.10 gives containers on an internal network a default route via the bridge (.1)
  // too (measured); the client needs NET_ADMIN so its entry script can delete it. It gets no
  // route in return: it only talks to the gateway, on-link.
  client: { hosts: { front: 20 }, caps: ["NET_ADMIN"], capDrop: ["NET_RAW"], sysctls: NO_V6 },
  gateway: { hosts: { front: 10, mid: 10 }, routeVia: "mid", caps: NET_CAPS, capDrop: [], sysctls: NO_V6 },
  firewall: {
    hosts: { mid: 254, back: 254, dnsnet: 254 },
    caps: NET_CAPS,
    capDrop: [],
    sysctls: { ...NO_V6, "net.ipv4.ip_forward": "1" },
  },
  backend: { hosts: { back: 10 }, routeVia: "back", caps: NET_CAPS, capDrop: [], sysctls: NO_V6 },
  dns: { hosts: { dnsnet: 53 }, routeVia: "dnsnet", caps: NET_CAPS, capDrop: [], sysctls: NO_V6 },
};

/** `front` is internal: only client and gateway, nothing routed. The others must not be
 * (Docker's isolation chain drops routed traffic on internal bridges, ENVIRONMENT.md). */
const INTERNAL: Readonly<Record<SegmentName, boolean>> = {
  front: true,
  mid: false,
  back: false,
  dnsnet: false,
};

export interface SegmentPlan {
  name: SegmentName;
  /** e.g. 10.100.4.0/24 */
  subnet: string;
  /** Docker's bridge address on the host (.1): never a target. */
  bridgeAddress: string;
  internal: boolean;
  members: NodeName[];
}

export interface NodePlan {
  name: NodeName;
  /** Default image `backside/<node>:latest`. */
  image: string;
  /** Segments in join order; the first is the network given at create time. */
  segments: SegmentName[];
  addresses: Partial<Record<SegmentName, string>>;
  capAdd: string[];
  capDrop: string[];
  sysctls: Record<string, string>;
  /** `ip route replace` arguments, in order (the BACKSIDE_ROUTES contract). */
  routes: string[];
}

export interface TopologyPlan {
  slot: number;
  segments: Record<SegmentName, SegmentPlan>;
  nodes: Record<NodeName, NodePlan>;
  /** Every container's resolver (HostConfig.Dns): the dns node. */
  dnsServer: string;
}

export function checkSlot(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
    throw new BacksideError("USAGE", `slot ${slot} must be an integer 0-${SLOT_COUNT - 1}`);
  }
  return slot;
}

/** The network part (first three octets) of a segment in a slot: four consecutive /24s. */
export function segmentPrefix(slot: number, segment: SegmentName): string {
  const k = 4 * checkSlot(slot) + SEGMENTS.indexOf(segment);
  return `10.${100 + (k >> 8)}.${k & 255}`;
}

export function segmentSubnet(slot: number, segment: SegmentName): string {
  return `${segmentPrefix(slot, segment)}.0/24`;
}

/** The slot a subnet belongs to, if it is one of ours (used to skip slots in use). */
export function slotOfSubnet(subnet: string): number | undefined {
  const m = /^10\.(\d+)\.(\d+)\.0\/24$/.exec(subnet);
  if (!m) return undefined;
  const hi = Number(m[1]) - 100;
  if (hi < 0 || hi > 3) return undefined;
  return ((hi << 8) + Number(m[2])) >> 2;
}

export function nodeAddress(slot: number, node: NodeName, segment: SegmentName): string {
  const host = SPECS[node].hosts[segment];
  if (host === undefined) throw new BacksideError("USAGE", `node '${node}' is not on segment '${segment}'`);
  return `${segmentPrefix(slot, segment)}.${host}`;
}

export function planFor(slot: number): TopologyPlan {
  checkSlot(slot);
  const segments = {} as Record<SegmentName, SegmentPlan>;
  for (const s of SEGMENTS) {
    segments[s] = {
      name: s,
      subnet: segmentSubnet(slot, s),
      bridgeAddress: `${segmentPrefix(slot, s)}.1`,
      internal: INTERNAL[s],
      members: NODES.filter((n) => SPECS[n].hosts[s] !== undefined),
    };
  }
  const nodes = {} as Record<NodeName, NodePlan>;
  for (const n of NODES) {
    const spec = SPECS[n];
    const segs = SEGMENTS.filter((s) => spec.hosts[s] !== undefined);
    const addresses: Partial<Record<SegmentName, string>> = {};
    for (const s of segs) addresses[s] = nodeAddress(slot, n, s);
    nodes[n] = {
      name: n,
      image: imageRef(n),
      segments: segs,
      addresses,
      capAdd: [...spec.caps],
      capDrop: [...spec.capDrop],
      sysctls: { ...spec.sysctls },
      routes: spec.routeVia ? [`default via ${nodeAddress(slot, "firewall", spec.routeVia)}`] : [],
    };
  }
  return { slot, segments, nodes, dnsServer: nodeAddress(slot, "dns", "dnsnet") };
}

/** BACKSIDE_ROUTES as the entry script reads it: semicolon-separated `ip route replace` args. */
export function routesEnv(node: NodePlan): string {
  return node.routes.join(";");
}

export function isNodeName(s: string): s is NodeName {
  return (NODES as readonly string[]).includes(s);
}

export function isSegmentName(s: string): s is SegmentName {
  return (SEGMENTS as readonly string[]).includes(s);
}

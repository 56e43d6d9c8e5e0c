import type Docker from "dockerode";
import { BacksideError } from "../errors.js";
import {
  SEGMENTS,
  SLOT_COUNT,
  COMPOSE_SLOT,
  planFor,
  slotOfSubnet,
  type SegmentName,
  type TopologyPlan,
} from "./plan.js";
import { LABEL, resourceName } from "./labels.js";

export interface CreatedNetworks {
  plan: TopologyPlan;
  networks: Record<SegmentName, Docker.Network>;
  names: Record<SegmentName, string>;
}

export interface AllocateOptions {
  runId: string;
  labels: Record<string, string>;
  /** Try exactly this slot (no search). */
  slot?: number;
  /** How many slots to try before giving up; default 24. */
  maxTries?: number;
  /** Slots to try in this order instead of the search (tests of the overlap path). */
  candidates?: number[];
}

/** Slots whose subnets some Docker network already uses (ours or anyone's). */
export async function usedSlots(docker: Docker): Promise<Set<number>> {
  const used = new Set<number>();
  const nets = await docker.listNetworks();
  for (const n of nets) {
    for (const c of n.IPAM?.Config ?? []) {
      const s = c.Subnet ? slotOfSubnet(c.Subnet) : undefined;
      if (s !== undefined) used.add(s);
    }
  }
  return used;
}

/** Free slots from a random start, so runs started together rarely collide. */
async function searchOrder(docker: Docker): Promise<number[]> {
  const used = await usedSlots(docker);
  const free = [...Array(SLOT_COUNT).keys()].filter((s) => s !== COMPOSE_SLOT && !used.has(s));
  const start = Math.floor(Math.random() * Math.max(1, free.length));
  return [...free.slice(start), ...free.slice(0, start)];
}

function isOverlap(e: unknown): boolean {
  const msg =
    (e as { json?: { message?: string }; message?: string }).json?.message ?? (e as Error).message ?? "";
  return /overlap/i.test(msg);
}

/**
 * Creates the four segment networks in a free slot. Concurrent runs may pick the same slot:
 * Docker refuses the second network with "Pool overlaps", and we remove what this attempt made
 * and take the next slot. Bounded by `maxTries`.
 */
export async function createNetworks(docker: Docker, opts: AllocateOptions): Promise<CreatedNetworks> {
  const candidates = opts.slot !== undefined ? [opts.slot] : (opts.candidates ?? (await searchOrder(docker)));
  const maxTries = opts.slot !== undefined ? 1 : (opts.maxTries ?? 24);
  let lastError: unknown;
  for (const slot of candidates.slice(0, maxTries)) {
    const plan = planFor(slot);
    const made: Docker.Network[] = [];
    try {
      const networks = {} as Record<SegmentName, Docker.Network>;
      const names = {} as Record<SegmentName, string>;
      for (const seg of SEGMENTS) {
        const name = resourceName(opts.runId, seg);
        const net = await docker.createNetwork({
          Name: name,
          Driver: "bridge",
          CheckDuplicate: true,
          Internal: plan.segments[seg].internal,
          EnableIPv6: false,
          IPAM: {
            Driver: "default",
            Config: [{ Subnet: plan.segments[seg].subnet, Gateway: plan.segments[seg].bridgeAddress }],
          },
          // No NAT: nothing a node sends may leave the host under the host's address.
          Options: { "com.docker.network.bridge.enable_ip_masquerade": "false" },
          Labels: { ...opts.labels, [LABEL.segment]: seg, [LABEL.slot]: String(slot) },
        });
        made.push(net);
        networks[seg] = net;
        names[seg] = name;
      }
      return { plan, networks, names };
    } catch (e) {
      lastError = e;
      await Promise.allSettled(made.map((n) => n.remove()));
      if (!isOverlap(e)) {
        throw new BacksideError("RUNTIME", `cannot create the topology's networks: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
  }
  throw new BacksideError(
    "RUNTIME",
    `no free topology slot after ${Math.min(maxTries, candidates.length)} tries`,
    {
      cause: lastError,
      hint: "run `backside clean` to remove networks of dead runs",
    },
  );
}

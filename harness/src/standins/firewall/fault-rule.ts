import { isIP } from "node:net";
import { z } from "zod";

/**
 * One fault on the firewall's forward path, as data. Addresses are validated here because they
 * are rendered into an nft script: nothing user-written reaches `nft -f` unchecked.
 */
const addr = z.string().refine((s) => {
  const [ip, len, ...rest] = s.split("/");
  if (rest.length || !isIP(ip)) return false;
  return len === undefined || (/^\d+$/.test(len) && Number(len) <= (isIP(ip) === 4 ? 32 : 128));
}, "must be an IP address or CIDR prefix");
const port = z.union([
  z.number().int().min(1).max(65535),
  z.tuple([z.number().int().min(1).max(65535), z.number().int().min(1).max(65535)]),
]);
const ifname = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,15}$/, "must be an interface name (IFNAMSIZ-1, no spaces)");

export const MatchSchema = z
  .object({
    proto: z.enum(["tcp", "udp", "icmp", "any"]).default("any"),
    saddr: addr.optional(),
    daddr: addr.optional(),
    /** A port or an inclusive range [lo, hi]; with proto "any" it matches TCP and UDP. */
    sport: port.optional(),
    dport: port.optional(),
    iif: ifname.optional(),
    oif: ifname.optional(),
  })
  .strict();
export type Match = z.output<typeof MatchSchema>;
export type MatchInput = z.input<typeof MatchSchema>;

/** ICMP destination-unreachable codes (RFC 792, RFC 1812 §5.2.7.1) and what a Linux client's connect() gets. */
export const ICMP_REJECT_TYPES = {
  "net-unreachable": { code: 0, errno: "ENETUNREACH" },
  "host-unreachable": { code: 1, errno: "EHOSTUNREACH" },
  "prot-unreachable": { code: 2, errno: "ENOPROTOOPT" },
  "port-unreachable": { code: 3, errno: "ECONNREFUSED" },
  "net-prohibited": { code: 9, errno: "ENETUNREACH" },
  "host-prohibited": { code: 10, errno: "EHOSTUNREACH" },
  "admin-prohibited": { code: 13, errno: "EHOSTUNREACH" },
} as const;
export type IcmpRejectType = keyof typeof ICMP_REJECT_TYPES;

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ . : -");

export const FaultRuleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("allow"), id: id.optional(), match: MatchSchema }).strict(),
  z.object({ kind: z.literal("drop"), id: id.optional(), match: MatchSchema }).strict(),
  z.object({ kind: z.literal("reject-tcp-reset"), id: id.optional(), match: MatchSchema }).strict(),
  z
    .object({
      kind: z.literal("reject-icmp"),
      id: id.optional(),
      match: MatchSchema,
      type: z.enum(Object.keys(ICMP_REJECT_TYPES) as [IcmpRejectType, ...IcmpRejectType[]]),
    })
    .strict(),
  /**
   * `match` describes the forward direction (client -> backend); the rule drops the packets
   * coming back (backend -> client), only SYN-ACKs when synAckOnly: an asymmetric path.
   */
  z
    .object({
      kind: z.literal("drop-return"),
      id: id.optional(),
      match: MatchSchema,
      synAckOnly: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      kind: z.literal("loss"),
      id: id.optional(),
      match: MatchSchema,
      percent: z.number().int().min(1).max(100),
    })
    .strict(),
  z
    .object({
      kind: z.literal("rate-limit"),
      id: id.optional(),
      match: MatchSchema,
      /** Packets over this rate are dropped. */
      packetsPerSecond: z.number().int().min(1).max(1_000_000),
      burst: z.number().int().min(1).max(1_000_000).default(5),
      /**
       * Count only packets that open a connection (conntrack state new: a TCP SYN and its
       * retransmissions, a UDP flow's first datagram), as a connection-rate limit does; packets
       * of connections already made pass.
       */
      newConnections: z.boolean().default(false),
    })
    .strict(),
]);
export type FaultRule = z.output<typeof FaultRuleSchema>;
export type FaultRuleInput = z.input<typeof FaultRuleSchema>;

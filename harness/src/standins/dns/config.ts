import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";

/**
 * The DNS stand-in's configuration (env BACKSIDE_CONFIG or /etc/backside/dns.json) and the
 * per-name entries the control API's `PUT /names/<name>` accepts.
 */
const ipv4 = z.string().refine((s) => isIPv4(s), "must be an IPv4 address");
const ipv6 = z.string().refine((s) => isIPv6(s), "must be an IPv6 address");
/** RFC 2181 §8: a TTL is an unsigned 31-bit number. */
const ttl = z.number().int().min(0).max(0x7fffffff);
const delayMs = z.number().int().min(0).max(600_000);

const records = {
  a: z.array(ipv4).default([]),
  aaaa: z.array(ipv6).default([]),
  /** The name is an alias: answer a CNAME to this name, then the target's records if the zone has them. */
  cname: z.string().min(1).optional(),
  ttl: ttl.optional(),
  /** RFC 2181 §10.1.1: the CNAME has its own TTL (DataPower caches the smaller, APAR IC86912). */
  cnameTtl: ttl.optional(),
};

export const NameEntrySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("normal"), ...records }).strict(),
  /** Same answer as normal; says in the log that the record changed (the stale-cache scenario). */
  z.object({ mode: z.literal("moved"), ...records, from: z.array(z.string()).default([]) }).strict(),
  z.object({ mode: z.literal("slow"), delayMs, ...records }).strict(),
  /** TC bit and no answer over UDP (RFC 1035 §4.2.1), the full answer over TCP (RFC 7766 §5). */
  z.object({ mode: z.literal("truncate"), ...records }).strict(),
  z.object({ mode: z.literal("nxdomain") }).strict(),
  z.object({ mode: z.literal("servfail") }).strict(),
  z.object({ mode: z.literal("refused") }).strict(),
  /** RFC 2308 §2.2: NOERROR with an empty answer section. */
  z.object({ mode: z.literal("nodata") }).strict(),
  z.object({ mode: z.literal("silent") }).strict(),
]);

export type NameEntry = z.output<typeof NameEntrySchema>;
export type NameEntryInput = z.input<typeof NameEntrySchema>;
export type DnsMode = NameEntry["mode"];

const listen = z
  .object({ host: z.string().default("0.0.0.0"), port: z.number().int().min(0).max(65535).default(53) })
  .strict();

export const DnsConfigSchema = z
  .object({
    listen: listen.default({ host: "0.0.0.0", port: 53 }),
    udp: z.boolean().default(true),
    tcp: z.boolean().default(true),
    control: z
      .union([
        z.literal(false),
        z
          .object({
            host: z.string().default("127.0.0.1"),
            port: z.number().int().min(0).max(65535).default(9000),
          })
          .strict(),
      ])
      .default({ host: "127.0.0.1", port: 9000 }),
    defaultTtl: ttl.default(60),
    /** Answer for names not in the zone; an authoritative server says NXDOMAIN. */
    unknown: z.enum(["nxdomain", "refused", "servfail", "silent"]).default("nxdomain"),
    /** RFC 2308 §5: the SOA minimum in negative answers bounds how long they are cached. */
    negativeTtl: ttl.default(5),
    names: z.record(z.string().min(1), NameEntrySchema).default({}),
    /** How many queries `GET /queries` keeps (oldest dropped first). */
    queryLogSize: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();

export type DnsConfig = z.output<typeof DnsConfigSchema>;
export type DnsConfigInput = z.input<typeof DnsConfigSchema>;

/** Names compare case-insensitively without the root dot (RFC 4343). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

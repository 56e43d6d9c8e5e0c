import type { NameEntryInput } from "./config.js";

/**
 * Façade for zone entries, so scenarios and tests say `Dns.nxdomain()` instead of spelling the
 * config shape. Each returns a value for `names[<name>]` or `PUT /names/<name>`.
 */
type Records = { a?: string[]; aaaa?: string[]; cname?: string; ttl?: number; cnameTtl?: number };

export const Dns = {
  a: (a: string | string[], ttl?: number): NameEntryInput => ({ mode: "normal", a: [a].flat(), ttl }),
  records: (r: Records): NameEntryInput => ({ mode: "normal", ...r }),
  cname: (target: string, cnameTtl?: number): NameEntryInput => ({ mode: "normal", cname: target, cnameTtl }),
  moved: (to: string | string[], from: string[] = [], ttl?: number): NameEntryInput => ({
    mode: "moved",
    a: [to].flat(),
    from,
    ttl,
  }),
  slow: (delayMs: number, r: Records): NameEntryInput => ({ mode: "slow", delayMs, ...r }),
  truncate: (r: Records): NameEntryInput => ({ mode: "truncate", ...r }),
  nxdomain: (): NameEntryInput => ({ mode: "nxdomain" }),
  servfail: (): NameEntryInput => ({ mode: "servfail" }),
  refused: (): NameEntryInput => ({ mode: "refused" }),
  nodata: (): NameEntryInput => ({ mode: "nodata" }),
  silent: (): NameEntryInput => ({ mode: "silent" }),
} as const;

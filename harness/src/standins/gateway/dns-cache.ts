/**
 * The resolver's cache: answers kept for their TTL (the smallest along a CNAME chain,
 * APAR IC86912), negative answers for their SOA minimum. `show dns-cache` lists it and a
 * management action flushes it; expired entries are dropped when read.
 */
import type { DnsCacheEntry } from "../../appliance/types.js";

interface Entry {
  addresses: string[];
  expiresAt: number;
  negative?: string;
}

export class DnsCache {
  private map = new Map<string, Entry>();

  constructor(private maxEntries = 10_000) {}

  private key(host: string, family: 4 | 6): string {
    return `${host.toLowerCase()}|${family}`;
  }

  get(
    host: string,
    family: 4 | 6,
    now = Date.now(),
  ): { addresses: string[]; ttlRemaining: number; negative?: string } | undefined {
    const k = this.key(host, family);
    const e = this.map.get(k);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.map.delete(k);
      return undefined;
    }
    return {
      addresses: e.addresses,
      ttlRemaining: Math.ceil((e.expiresAt - now) / 1000),
      negative: e.negative,
    };
  }

  put(
    host: string,
    family: 4 | 6,
    addresses: string[],
    ttlSeconds: number,
    negative?: string,
    now = Date.now(),
  ): void {
    if (!(ttlSeconds > 0)) return;
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value!);
    this.map.set(this.key(host, family), { addresses, expiresAt: now + ttlSeconds * 1000, negative });
  }

  /** One row per host (both families merged), as the error report and `show dns-cache` list them. */
  entries(now = Date.now()): DnsCacheEntry[] {
    const byHost = new Map<string, DnsCacheEntry>();
    for (const [k, e] of this.map) {
      if (e.expiresAt <= now) continue;
      const host = k.slice(0, k.lastIndexOf("|"));
      const ttl = Math.ceil((e.expiresAt - now) / 1000);
      const row = byHost.get(host);
      if (!row) {
        byHost.set(host, {
          host,
          addresses: [...e.addresses],
          ttlRemaining: ttl,
          ...(e.negative ? { negative: e.negative } : {}),
        });
      } else {
        row.addresses.push(...e.addresses);
        row.ttlRemaining = Math.min(row.ttlRemaining, ttl);
        if (!e.negative) delete row.negative;
      }
    }
    return [...byHost.values()];
  }

  flush(): number {
    const n = this.map.size;
    this.map.clear();
    return n;
  }
}

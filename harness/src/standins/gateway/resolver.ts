/**
 * The appliance's resolver, on the wire (DOMAIN.md §4): static hosts, then the cache, then
 * queries to the configured name servers. Never resolv.conf or dns.lookup.
 * - first-alive: servers in order, starting at the first not marked down; a server that times
 *   out is marked down for a while. round-robin: each resolution starts at the next server.
 * - Each server gets 1 + retries attempts of `timeout` seconds each.
 * - Unless the IP preference is forced, A and AAAA are asked together and both awaited;
 *   addresses of the preferred family come first.
 * - NXDOMAIN from a server is final (another server would say the same); SERVFAIL, REFUSED,
 *   timeouts and socket errors move to the next server.
 * - Search domains are tried for names without a dot first, after the name itself otherwise.
 */
import { isIP } from "node:net";
import type { DnsConfig } from "../../appliance/types.js";
import { DnsCache } from "./dns-cache.js";
import {
  addressesFromAnswer,
  buildQuery,
  negativeTtl,
  newQueryId,
  tcpExchange,
  udpExchange,
  type QType,
} from "./dns-transport.js";
import type { GatewayLogger, LogContext } from "./gateway-logger.js";

export type ResolveFailure =
  "NXDOMAIN" | "SERVFAIL" | "REFUSED" | "NODATA" | "NO_RESPONSE" | "NOT_CONFIGURED" | "FORMERR";

export interface Resolved {
  host: string;
  addresses: string[];
  ttl: number;
  source: "literal" | "static" | "cache" | "dns";
}

export class ResolveError extends Error {
  constructor(
    readonly host: string,
    readonly reason: ResolveFailure,
  ) {
    super(`cannot resolve ${host}: ${reason}`);
    this.name = "ResolveError";
  }
}

const RCODES: Record<number, ResolveFailure> = { 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED" };
const DOWN_MS = 30_000;
const serverKey = (s: { address: string; udpPort: number }) => `${s.address}:${s.udpPort}`;

type FamilyResult =
  { ok: true; addresses: string[]; ttl: number } | { ok: false; reason: ResolveFailure; negTtl: number };

export class Resolver {
  readonly cache = new DnsCache();
  private rr = 0;
  private downUntil = new Map<string, number>();

  constructor(
    private config: () => DnsConfig,
    private log: GatewayLogger,
  ) {}

  /** Each configured name server, up or marked down after a timeout or error (`show dns`). */
  serverStatus(now = Date.now()): { address: string; port: number; status: "up" | "down" }[] {
    return this.config().servers.map((s) => ({
      address: s.address,
      port: s.udpPort,
      status: (this.downUntil.get(serverKey(s)) ?? 0) > now ? "down" : "up",
    }));
  }

  async resolve(host: string, ctx: LogContext = {}): Promise<Resolved> {
    const h = host.replace(/^\[|\]$/g, "");
    if (isIP(h)) return { host, addresses: [h], ttl: 0, source: "literal" };
    const cfg = this.config();
    const st = cfg.staticHosts.find((s) => s.hostname.toLowerCase() === h.toLowerCase().replace(/\.$/, ""));
    if (st) {
      this.log.event("dnsStaticHost", { host: h, address: st.address }, ctx);
      return { host, addresses: [st.address], ttl: 0, source: "static" };
    }
    const names = this.candidates(h, cfg);
    let last: ResolveFailure = "NXDOMAIN";
    for (const name of names) {
      try {
        return await this.resolveName(name, cfg, ctx);
      } catch (e) {
        if (!(e instanceof ResolveError)) throw e;
        last = e.reason;
        // Only a name that does not exist sends us on to the next search domain.
        if (e.reason !== "NXDOMAIN" && e.reason !== "NODATA") break;
      }
    }
    throw new ResolveError(host, last);
  }

  private candidates(h: string, cfg: DnsConfig): string[] {
    if (h.endsWith(".")) return [h.slice(0, -1)];
    const withSearch = cfg.searchDomains.map((d) => `${h}.${d.replace(/^\.|\.$/g, "")}`);
    return h.includes(".") ? [h, ...withSearch] : [...withSearch, h];
  }

  private families(cfg: DnsConfig): (4 | 6)[] {
    if (cfg.forceIpPreference) return [cfg.ipPreference];
    return cfg.ipPreference === 6 ? [6, 4] : [4, 6];
  }

  private async resolveName(name: string, cfg: DnsConfig, ctx: LogContext): Promise<Resolved> {
    const fams = this.families(cfg);
    const cached = fams.map((f) => this.cache.get(name, f));
    if (cached.every((c) => c !== undefined)) {
      const addrs = cached.flatMap((c) => c!.addresses);
      const ttl = Math.min(...cached.map((c) => c!.ttlRemaining));
      if (addrs.length) {
        this.log.event("dnsCacheHit", { host: name, addresses: addrs.join(","), ttl }, ctx);
        return { host: name, addresses: addrs, ttl, source: "cache" };
      }
      const neg = cached.find((c) => c!.negative)?.negative as ResolveFailure | undefined;
      this.log.event("dnsCacheHit", { host: name, addresses: neg ?? "none", ttl }, ctx);
      throw new ResolveError(name, neg ?? "NODATA");
    }
    if (cfg.servers.length === 0) throw new ResolveError(name, "NOT_CONFIGURED");
    const start = this.startIndex(cfg);
    for (const c of cached)
      if (c)
        this.log.event(
          "dnsCacheHit",
          { host: name, addresses: c.addresses.join(",") || (c.negative ?? "none"), ttl: c.ttlRemaining },
          ctx,
        );
    // Both families at once, and both awaited (the appliance waits for A and AAAA or a timeout).
    const results = await Promise.all(
      fams.map((f, i) =>
        cached[i] ? this.fromCache(cached[i]!) : this.query(name, f === 4 ? "A" : "AAAA", cfg, start, ctx),
      ),
    );
    results.forEach((r, i) => {
      if (cached[i]) return;
      if (r.ok) this.cache.put(name, fams[i], r.addresses, r.ttl);
      else if (r.reason === "NXDOMAIN" || r.reason === "NODATA")
        this.cache.put(name, fams[i], [], r.negTtl, r.reason);
    });
    const addresses = results.flatMap((r) => (r.ok ? r.addresses : []));
    if (addresses.length) {
      const ttl = Math.min(
        ...results.filter((r) => r.ok && r.addresses.length).map((r) => (r as { ttl: number }).ttl),
      );
      this.log.event("dnsResolved", { host: name, addresses: addresses.join(","), ttl, source: "dns" }, ctx);
      return { host: name, addresses, ttl, source: "dns" };
    }
    // The most telling failure: a name that does not exist beats no data, beats server trouble.
    const reasons = results.map((r) => (r.ok ? "NODATA" : r.reason));
    const order: ResolveFailure[] = ["NXDOMAIN", "NODATA", "SERVFAIL", "REFUSED", "FORMERR", "NO_RESPONSE"];
    throw new ResolveError(name, order.find((o) => reasons.includes(o)) ?? "NO_RESPONSE");
  }

  private fromCache(c: { addresses: string[]; ttlRemaining: number; negative?: string }): FamilyResult {
    return c.addresses.length
      ? { ok: true, addresses: c.addresses, ttl: c.ttlRemaining }
      : { ok: false, reason: (c.negative as ResolveFailure) ?? "NODATA", negTtl: 0 };
  }

  private startIndex(cfg: DnsConfig): number {
    const n = cfg.servers.length;
    if (cfg.loadBalance === "round-robin") return this.rr++ % n;
    const now = Date.now();
    for (let i = 0; i < n; i++) if ((this.downUntil.get(serverKey(cfg.servers[i])) ?? 0) <= now) return i;
    return 0;
  }

  private async query(
    name: string,
    qtype: QType,
    cfg: DnsConfig,
    start: number,
    ctx: LogContext,
  ): Promise<FamilyResult> {
    const n = cfg.servers.length;
    const timeoutMs = Math.round(cfg.timeoutSeconds * 1000);
    let last: ResolveFailure = "NO_RESPONSE";
    for (let k = 0; k < n; k++) {
      const s = cfg.servers[(start + k) % n];
      for (let attempt = 1; attempt <= 1 + s.retries; attempt++) {
        const id = newQueryId();
        const q = buildQuery(name, qtype, id);
        const base = { id, qtype, name, server: s.address };
        this.log.event("dnsQuerySent", { ...base, port: s.udpPort, transport: "udp", attempt }, ctx);
        let r = await udpExchange(s.address, s.udpPort, q, id, name, timeoutMs);
        let via = { port: s.udpPort, transport: "udp" };
        if (r.kind === "reply" && r.reply.truncated) {
          via = { port: s.tcpPort, transport: "tcp" };
          this.log.event("dnsTruncated", base, ctx);
          this.log.event("dnsQuerySent", { ...base, port: s.tcpPort, transport: "tcp", attempt }, ctx);
          r = await tcpExchange(s.address, s.tcpPort, q, id, name, timeoutMs);
        }
        if (r.kind === "timeout") {
          this.log.event("dnsQueryTimedOut", { ...base, port: via.port, ms: r.ms }, ctx);
          this.downUntil.set(serverKey(s), Date.now() + DOWN_MS);
          last = "NO_RESPONSE";
          continue;
        }
        if (r.kind === "error") {
          this.log.event("dnsServerError", { ...base, ...via, errno: r.errno }, ctx);
          this.downUntil.set(serverKey(s), Date.now() + DOWN_MS);
          last = "NO_RESPONSE";
          break; // an ICMP error will repeat; go to the next server
        }
        const { reply } = r;
        this.downUntil.delete(serverKey(s));
        const ans =
          reply.rcode === 0
            ? addressesFromAnswer(reply.packet, name, qtype)
            : { addresses: [], ttl: 0, cnames: [] };
        this.log.event(
          "dnsAnswer",
          {
            ...base,
            port: reply.transport === "udp" ? s.udpPort : s.tcpPort,
            transport: reply.transport,
            rcode: reply.rcode,
            answers: ans.addresses.join(","),
            ttl: ans.ttl,
            ms: reply.ms,
          },
          ctx,
        );
        if (reply.rcode === 0) {
          if (ans.addresses.length) return { ok: true, addresses: ans.addresses, ttl: ans.ttl };
          return { ok: false, reason: "NODATA", negTtl: negativeTtl(reply.packet) };
        }
        if (reply.rcode === 3) return { ok: false, reason: "NXDOMAIN", negTtl: negativeTtl(reply.packet) };
        last = RCODES[reply.rcode] ?? "SERVFAIL";
        break; // this server answered with a failure: ask the next one
      }
    }
    return { ok: false, reason: last, negTtl: 0 };
  }
}

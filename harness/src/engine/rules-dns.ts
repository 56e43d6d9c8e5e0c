/**
 * DNS rules: the backend's name in the capture (rcode, NODATA, silence, ICMP for the queries),
 * fused with the error report's name-server list and DNS cache and the log's resolutions.
 * A failure answered later by another server (first-alive failover) is not a failure.
 */
import { isIP } from "node:net";
import type { Cause } from "../taxonomy.js";
import { normName } from "./backend-target.js";
import type { DnsFact, DnsResult } from "./capture-evidence.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";
import { isFailure } from "./rules-capture.js";
import { logCacheHits, logServerAnswers } from "./rules-log.js";
import type { Evidence } from "./types.js";

const RESULT_CAUSE: Partial<Record<DnsResult, Cause>> = {
  nxdomain: "dns.nxdomain",
  servfail: "dns.servfail",
  refused: "dns.refused",
  nodata: "dns.no-address",
};

/** DNS facts about the backend's name; without a known name, every name queried. */
function backendDns(f: Facts): DnsFact[] {
  const all = f.captures.flatMap((c) => c.dns);
  if (f.backend.host && !isIP(f.backend.host)) return all.filter((d) => d.forBackend);
  if (f.backend.host) return [];
  return all;
}

function nameFailure(f: Facts, out: Finding[]): void {
  const dns = backendDns(f).sort((a, b) => a.time - b.time);
  if (dns.length === 0) return;
  if (dns.some((d) => d.result === "address")) return;
  const name = dns[0].name;
  const noSyn = f.groups.length === 0;
  const answered = dns.filter((d) => RESULT_CAUSE[d.result]);
  if (answered.length > 0) {
    const last = answered[answered.length - 1];
    const cause = RESULT_CAUSE[last.result]!;
    const evidence = answered.slice(-3).map((d) => d.ev);
    if (noSyn)
      evidence.push({
        source: last.source,
        kind: "capture",
        statement: "no SYN to any backend address follows",
      });
    const strength = noSyn ? "decisive" : "strong";
    if (cause === "dns.no-address") {
      // Every family asked for came back empty: name them all (A and AAAA, in the order asked).
      const qtypes = [...new Set(answered.filter((d) => d.result === "nodata").map((d) => d.qtype))];
      out.push(
        finding(cause, strength, "capture", evidence, {
          name,
          server: last.server,
          qtype: qtypes.join(" or "),
        }),
      );
    } else
      out.push(
        finding(cause as "dns.nxdomain", strength, "capture", evidence, { name, server: last.server }),
      );
    return;
  }
  const silent = dns.filter((d) => d.result === "unanswered" || d.result === "late");
  const late = silent.filter((d) => d.lateBy !== undefined);
  // The facts kept stand for all of their kind (DnsAll): the counts and sums are the kinds'.
  const lateKinds = new Set(late.map((d) => d.all));
  // Each capture point sees the same answers: count them at the point that saw the most.
  const perPoint = new Map<number, number>();
  for (const d of late)
    if (lateKinds.delete(d.all)) perPoint.set(d.point, (perPoint.get(d.point) ?? 0) + d.all.facts);
  if (silent.length === 0) return;
  let queries = 0;
  for (const all of new Set(silent.map((d) => d.all))) queries += all.queries;
  const icmp = silent.find((d) => d.icmp)?.icmp;
  out.push(
    finding(
      "dns.no-response",
      queries > 1 || icmp ? "decisive" : "strong",
      "capture",
      silent.slice(0, 4).map((d) => d.ev),
      {
        name,
        servers: [...new Set(silent.map((d) => d.server))],
        ...(icmp ? { icmp: `type ${icmp.type} code ${icmp.code} from ${icmp.sender}` } : {}),
        ...(late.length
          ? {
              late: {
                answers: Math.max(...perPoint.values()),
                // Reduced, not spread: a capture may hold more late answers than a call takes arguments.
                after: late.reduce((m, d) => Math.min(m, d.all.lateBy ?? d.lateBy!), Infinity),
              },
            }
          : {}),
      },
    ),
  );
}

/** No name server at all: empty list in the report, no DNS on the wire, and the name failed to resolve. */
function notConfigured(f: Facts, out: Finding[]): void {
  const host = f.backend.host;
  if (host && isIP(host)) return;
  const r = f.report?.report;
  const staticHost = host && r?.dns?.staticHosts.some((s) => normName(s.hostname) === normName(host));
  if (staticHost) return;
  const emptyList = r?.dns !== undefined && r.dns.servers.length === 0;
  const noDnsOnWire = f.captures.length > 0 && f.captures.every((c) => c.dns.length === 0);
  const noConn = f.groups.length === 0;
  const logFails = f.log.filter(
    (x) =>
      x.event === "dnsResolveFailed" || x.event === "dnsCallbackFailed" || x.event === "connectServerFailed",
  );
  const evidence: Evidence[] = [];
  if (emptyList)
    evidence.push({
      source: f.report!.source,
      kind: "report",
      part: "DNSNameServerStatus2",
      statement: "the DNS settings list no name server",
    });
  if (noDnsOnWire && noConn)
    evidence.push({
      source: f.captures.map((c) => c.source).join(", "),
      kind: "capture",
      statement: "no DNS query and no SYN to a backend in the capture",
    });
  evidence.push(...logFails.slice(0, 2).map((x) => x.ev));
  if (emptyList && (logFails.length > 0 || (noDnsOnWire && noConn)))
    out.push(finding("dns.not-configured", "decisive", "report", evidence, { name: host }));
  else if (emptyList && !f.groups.some((g) => g.near.outcome === "ok"))
    out.push(finding("dns.not-configured", "strong", "report", evidence, { name: host }));
  else if (noDnsOnWire && noConn && logFails.length > 0 && !r)
    out.push(finding("dns.not-configured", "weak", "capture", evidence, { name: host }));
}

/**
 * A stale cache: the gateway connects to an address it holds for the name (report cache, log
 * cache hit, or an earlier answer in the capture) while the name server now answers another, and
 * those connects fail.
 */
function staleCache(f: Facts, out: Finding[]): void {
  const host = f.backend.host;
  if (!host || isIP(host)) return;
  const same = (h: string) => normName(h) === normName(host);
  const answers = backendDns(f)
    .filter((d) => d.result === "address")
    .sort((a, b) => a.time - b.time);
  const serverNow = [
    ...answers.map((d) => ({ addresses: d.addresses, ev: d.ev, time: d.time })),
    ...logServerAnswers(f)
      .filter((x) => same(x.host))
      .map((x) => ({ addresses: x.addresses, ev: x.fact.ev, time: x.fact.time })),
  ].sort((a, b) => a.time - b.time);
  const latest = serverNow[serverNow.length - 1];
  if (!latest) return;
  // The name's addresses of now, per family: an A answer says nothing of an AAAA one asked
  // beside it, so the latest answer of each family holds that family's current addresses.
  const latestOf = new Map<number, (typeof serverNow)[number]>();
  for (const a of serverNow) {
    const fam = new Set(a.addresses.map((x) => isIP(x)));
    for (const v of fam) latestOf.set(v, a);
  }
  const current = new Set([...latestOf.values()].flatMap((a) => a.addresses));
  const cached: { addresses: string[]; ev: Evidence }[] = [];
  for (const c of f.report?.report.dnsCache ?? []) {
    if (same(c.host) && !c.negative)
      cached.push({
        addresses: c.addresses,
        ev: {
          source: f.report!.source,
          kind: "report",
          part: "DNSCacheHostStatus4",
          statement: `the DNS cache holds ${c.host} -> ${c.addresses.join(", ")} (${c.ttlRemaining} s left)`,
        },
      });
  }
  for (const h of logCacheHits(f)) if (same(h.host)) cached.push({ addresses: h.addresses, ev: h.fact.ev });
  for (const a of serverNow)
    if (![...latestOf.values()].includes(a)) cached.push({ addresses: a.addresses, ev: a.ev });
  // An old address of a family the name server was not asked about now is not known to be stale.
  const old = [
    ...new Set(cached.flatMap((c) => c.addresses).filter((a) => !current.has(a) && latestOf.has(isIP(a)))),
  ];
  if (old.length === 0) {
    suspectedStale(f, host, latest, cached, out);
    return;
  }
  const failingToOld = f.groups.filter((g) => isFailure(g) && old.includes(g.near.address));
  const logFailToOld = f.log.filter(
    (x) =>
      old.includes(x.params.address ?? "") && /timed out|refused|unreachable|failed/i.test(x.entry.message),
  );
  const evidence = [
    ...cached
      .filter((c) => c.addresses.some((a) => old.includes(a)))
      .slice(0, 2)
      .map((c) => c.ev),
    latest.ev,
    ...failingToOld.slice(0, 2).map((g) => g.near.ev),
    ...logFailToOld.slice(0, 2).map((x) => x.ev),
  ];
  const detail = { name: host, cached: old, current: [...current] };
  if (failingToOld.length === 0 && logFailToOld.length === 0) {
    out.push(finding("dns.stale-cache", "weak", evidence[0].kind, evidence, detail));
    return;
  }
  // One finding per kind of artifact that shows its part, so agreeing artifacts add up.
  const kinds = new Set([...evidence.map((e) => e.kind)]);
  for (const kind of kinds)
    out.push(
      finding(
        "dns.stale-cache",
        kind === "capture" && failingToOld.length > 0 ? "decisive" : "strong",
        kind,
        evidence,
        detail,
      ),
    );
}

/**
 * Without the name server's answer of now, a stale cache is only suspected: an address that
 * worked earlier, answered from the cache (no query in between), now drops the connects. Strong
 * enough to name, never decisive: a query to the name server now settles it.
 */
function suspectedStale(
  f: Facts,
  host: string,
  latest: { addresses: string[]; ev: Evidence; time: number },
  cached: { addresses: string[]; ev: Evidence }[],
  out: Finding[],
): void {
  const addrs = new Set(latest.addresses);
  const fails = f.groups.filter(
    (g) => g.near.outcome === "unanswered" && addrs.has(g.near.address) && g.start > latest.time,
  );
  const earlierOk = f.groups.find(
    (g) => g.near.outcome === "ok" && addrs.has(g.near.address) && g.start < (fails[0]?.start ?? 0),
  );
  if (fails.length === 0 || !earlierOk) return;
  // A moved backend never answers at its old address again, and drops no segment of a connection
  // it accepted: connections to the address that succeed after the first failure, or that lost
  // data on the way, point at the path (net.packet-loss), not at the cache.
  const toAddr = f.groups.filter((g) => addrs.has(g.near.address));
  if (toAddr.some((g) => g.start > fails[0].start && g.near.responseBytes > 0)) return;
  if (toAddr.some((g) => g.views.some((v) => v.retransmissions > 0))) return;
  const queriedSince = backendDnsAfter(f, earlierOk.start);
  if (queriedSince) return;
  const detail = { name: host, cached: [...addrs], current: [] };
  const evidence = [
    latest.ev,
    earlierOk.near.ev,
    fails[fails.length - 1].near.ev,
    ...cached.slice(0, 2).map((c) => c.ev),
  ];
  const kinds = new Set<Evidence["kind"]>(["capture", ...cached.map((c) => c.ev.kind)]);
  // The log saying the address came from the cache is as telling as the capture's silence after a
  // success; the capture alone (no cache seen in a log or report) only hints at it.
  for (const kind of kinds)
    out.push(
      finding(
        "dns.stale-cache",
        kind === "report" || cached.length === 0 ? "weak" : "strong",
        kind,
        evidence,
        detail,
      ),
    );
}

function backendDnsAfter(f: Facts, t: number): boolean {
  return backendDns(f).some((d) => d.time > t);
}

export function dnsRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  nameFailure(f, out);
  notConfigured(f, out);
  staleCache(f, out);
  return out;
}

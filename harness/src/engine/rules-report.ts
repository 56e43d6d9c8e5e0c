/**
 * Error report rules: the route the kernel would pick for the backend (RoutingStatus against the
 * interfaces' subnets and carrier), TCP table states (SYN_SENT to the backend), negative DNS cache
 * entries and the service object's last error. The wrong-route rule also reads the captures: the
 * SYN (or the ARP for the backend) on the wrong interface's segment settles it.
 */
import { isIP } from "node:net";
import type { Cause } from "../taxonomy.js";
import { normName } from "./backend-target.js";
import { connectCauseFromErrno, dnsCauseFromReason } from "./failure-text.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";
import { connectedInterface, inPrefix, lookupRoute } from "./route-lookup.js";
import type { Evidence } from "./types.js";

/**
 * A route for the backend out of the front side: the interface (or next hop) where the gateway's
 * own clients reach it, as the captures show (connections to the gateway's front port on that
 * interface's address, or from the next hop).
 */
function frontSideRoute(
  f: Facts,
  ifAddrs: string[],
  nextHop: string | undefined,
  name: string,
): string | undefined {
  const mine = new Set(ifAddrs.map((a) => a.split("/")[0]));
  const port = f.backend.frontPort;
  for (const c of f.captures) {
    for (const d of c.frontConns) {
      if (nextHop && d.client === nextHop)
        return `the next hop ${nextHop} is a client of the gateway (it sends requests to ${d.server}:${d.port}), not a router to the backend`;
      if (mine.has(d.server) && (port === undefined || d.port === port))
        return `${name} is the front side, where clients reach the gateway on ${d.server}:${d.port}`;
    }
  }
  return undefined;
}

function routeRules(f: Facts, out: Finding[]): void {
  const r = f.report!.report;
  const source = f.report!.source;
  if (r.routes.length === 0) return;
  const targets = new Set([...f.backend.addresses, ...f.groups.map((g) => g.near.address)]);
  for (const addr of targets) {
    if (!isIP(addr)) continue;
    const route = lookupRoute(r.routes, addr);
    const ev = (statement: string): Evidence => ({
      source,
      kind: "report",
      part: "RoutingStatus",
      statement,
    });
    if (!route) {
      out.push(
        finding("net.host-unreachable", "strong", "report", [ev(`no route matches ${addr}`)], {
          address: addr,
        }),
      );
      continue;
    }
    const iface = r.interfaces.find((i) => i.name === route.interface);
    const onIface = (a: string) => !!iface && iface.addresses.some((x) => x.includes("/") && inPrefix(a, x));
    let why: string | undefined;
    if (iface && /down/i.test(iface.operStatus)) why = `interface ${iface.name} is ${iface.operStatus}`;
    else if (!route.gateway && iface && !onIface(addr))
      why = `${addr} is sent on-link out of ${iface.name}, whose subnets (${iface.addresses.join(", ")}) do not hold it`;
    else if (route.gateway && iface && !onIface(route.gateway))
      why = `next hop ${route.gateway} is not on ${iface.name}'s subnets`;
    else {
      // The route is plausible on its own; it is wrong when the backend's address sits on another interface's subnet.
      const home = connectedInterface(r.interfaces, addr);
      if (home && iface && home.name !== iface.name)
        why = `${addr} is on ${home.name}'s subnet but the route sends it out of ${iface.name}`;
      else if (iface) why = frontSideRoute(f, iface.addresses, route.gateway, iface.name);
    }
    if (!why) continue;
    const statement = `route ${route.destination}${route.gateway ? ` via ${route.gateway}` : ""} dev ${route.interface ?? "?"} carries ${addr}: ${why}`;
    const evidence: Evidence[] = [ev(statement)];
    // The SYN or the ARP request for the backend leaving from that interface's address.
    const ifAddrs = new Set((iface?.addresses ?? []).map((a) => a.split("/")[0]));
    for (const c of f.captures) {
      const syn = c.conns.find((x) => x.address === addr && ifAddrs.has(x.client));
      if (syn)
        evidence.push({
          ...syn.ev,
          statement: `the SYN to ${addr} leaves from ${syn.client} (${route.interface}): ${syn.ev.statement}`,
        });
      const arp = c.arp.find((a) => a.target === addr && ifAddrs.has(a.sender));
      if (arp) evidence.push(arp.ev);
    }
    const detail = { address: addr, iface: route.interface, why };
    out.push(
      finding("net.wrong-route", evidence.length > 1 ? "decisive" : "strong", "report", evidence, detail),
    );
    // The packets on that interface are capture evidence of their own.
    if (evidence.length > 1)
      out.push(finding("net.wrong-route", "decisive", "capture", evidence.slice(1), detail));
  }
}

function tcpTableRules(f: Facts, out: Finding[]): void {
  const r = f.report!.report;
  const targets = new Set([...f.backend.addresses, ...f.groups.map((g) => g.near.address)]);
  const port = f.backend.port;
  const synSent = r.tcpTable.filter(
    (t) =>
      /syn_sent|syn-sent/i.test(t.state) &&
      (targets.size === 0 || targets.has(t.remoteIP)) &&
      (port === undefined || t.remotePort === port),
  );
  if (synSent.length > 0) {
    const t = synSent[0];
    out.push(
      finding(
        "tcp.silent-drop",
        "weak",
        "report",
        [
          {
            source: f.report!.source,
            kind: "report",
            part: "TCPTable",
            statement: `${synSent.length} connection(s) to ${t.remoteIP}:${t.remotePort} in SYN_SENT`,
          },
        ],
        {
          address: t.remoteIP,
          port: t.remotePort,
        },
      ),
    );
  }
}

function cacheAndObjects(f: Facts, out: Finding[]): void {
  const r = f.report!.report;
  const source = f.report!.source;
  const host = f.backend.host;
  for (const c of r.dnsCache) {
    if (!c.negative || !host || normName(c.host) !== normName(host)) continue;
    const cause = dnsCauseFromReason(c.negative);
    if (!cause) continue;
    const ev: Evidence = {
      source,
      kind: "report",
      part: "DNSCacheHostStatus4",
      statement: `negative DNS cache entry for ${c.host}: ${c.negative}`,
    };
    out.push(finding(cause as "dns.nxdomain", "strong", "report", [ev], { name: c.host }));
  }
  for (const o of r.objectStatus) {
    if (!o.errorCode || /^(0|none|ok)$/i.test(o.errorCode)) continue;
    const cause: Cause | undefined = /resolve|dns/i.test(o.errorCode)
      ? dnsCauseFromReason(o.errorCode)
      : connectCauseFromErrno(o.errorCode);
    if (!cause) continue;
    const ev: Evidence = {
      source,
      kind: "report",
      part: "ObjectStatus",
      statement: `${o.className} ${o.name}: last error "${o.errorCode}"`,
    };
    out.push({
      cause,
      strength: "weak",
      kind: "report",
      evidence: [ev],
      detail: { servers: [], cached: [], current: [], how: "log" },
    } as unknown as Finding);
  }
}

export function reportRules(f: Facts): Finding[] {
  if (!f.report) return [];
  const out: Finding[] = [];
  routeRules(f, out);
  tcpTableRules(f, out);
  cacheAndObjects(f, out);
  return out;
}

/**
 * Capture rules for the TCP part of the path (tcp.*, backend.*, tls.*, net.host-unreachable,
 * net.packet-loss, healthy): each connection group's outcome as the gateway saw it, the other
 * capture points' views of the same SYN, unanswered ARP and ICMP errors.
 */
import type { ConnOutcome } from "./conn-outcome.js";
import type { ConnGroup } from "./conn-groups.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";
import { answeredExchanges } from "./response-wait.js";
import { icmpMeaning } from "./icmp-codes.js";
import { unreachableRules } from "./rules-unreachable.js";

const FAILURES = new Set<ConnOutcome>([
  "unanswered",
  "refused",
  "icmp",
  "no-response",
  "closed",
  "reset",
  "tls-failed",
]);
/** A failing connection that starts while a successful one is open (or this close before it) ran in the same burst. */
const BURST_SECONDS = 0.5;

export const isFailure = (g: ConnGroup) => FAILURES.has(g.near.outcome);

const ESTABLISHED = new Set<ConnOutcome>(["ok", "no-response", "closed", "reset", "tls-failed", "idle"]);

/**
 * The request left the gateway's side but a point farther along never saw it, or the backend's
 * response passed a farther point but never reached the gateway's: a segment died on the path.
 */
const lostBetween = (g: ConnGroup) =>
  g.views.length > 1 &&
  ((g.near.requestBytes > 0 && g.far.requestBytes === 0) ||
    (g.far.responseBytes > 0 && g.near.responseBytes === 0));

/**
 * Loss on an established connection: data retransmitted, or a segment lost between points. Dup
 * ACKs alone are not loss: a lost segment is retransmitted after them (RFC 5681 section 3.2), and
 * a peer that restarted answers a stale connection with repeated ACKs too.
 */
const lossy = (g: ConnGroup) =>
  ESTABLISHED.has(g.near.outcome) && (g.views.some((v) => v.retransmissions > 0) || lostBetween(g));

/** The SYN crossed the routers to the point beside the backend and was not answered there. */
const unansweredBesideBackend = (g: ConnGroup) =>
  g.views.length > 1 &&
  g.far.outcome === "unanswered" &&
  !g.far.lateSynAck &&
  (g.near.synTtl ?? 0) > (g.far.synTtl ?? 0);

const backendOf = (g: ConnGroup) => `${g.near.address}|${g.near.port}`;

/**
 * Whether an unanswered connect's SYN or answer died between capture points: the backend's answer
 * was seen farther along, or a point on the way to the same backend (it saw other connections to
 * it) was capturing when the SYN left and never saw it. Not a full listen queue, which drops SYNs
 * that reached the backend. Built once per analysis: linear in the connections.
 */
function diedOnPathTest(f: Facts, groups: ConnGroup[]): (g: ConnGroup) => boolean {
  const pointsTo = new Map<string, Set<number>>();
  for (const o of groups) {
    const k = backendOf(o);
    const set = pointsTo.get(k) ?? new Set<number>();
    for (const v of o.views) set.add(v.point);
    pointsTo.set(k, set);
  }
  const byPoint = new Map(f.captures.map((c) => [c.point, c]));
  return (g) => {
    if (g.near.outcome !== "unanswered") return false;
    if (g.views.some((v) => v.outcome !== "unanswered")) return true;
    const seen = new Set(g.views.map((v) => v.point));
    // A point not among this connection's views that saw the backend saw it in another connection.
    for (const p of pointsTo.get(backendOf(g)) ?? []) {
      const c = byPoint.get(p);
      if (seen.has(p) || !c || c.firstTs === null || c.lastTs === null) continue;
      if (c.firstTs <= g.start && g.start <= c.lastTs) return true;
    }
    return false;
  };
}

/** Unanswered connections that ran alongside established ones (one burst), not after them. */
function burstFailures(groups: ConnGroup[], diedOnPath: (g: ConnGroup) => boolean): ConnGroup[] {
  // Connections whose handshake completed (served or not: an overloaded backend's kernel accepts
  // into the backlog what its program never serves), by start, with the running maximum of their
  // ends: one binary search for each unanswered connection.
  // Per backend address and port: a full queue drops SYNs to the host that accepted the others
  // (Happy Eyeballs' unanswered IPv6 attempt beside a served IPv4 one is no burst).
  const byBackend = new Map<string, { oks: ConnGroup[]; maxEnd: number[] }>();
  for (const o of groups.filter((g) => ESTABLISHED.has(g.near.outcome)).sort((a, b) => a.start - b.start)) {
    const b = byBackend.get(backendOf(o)) ?? { oks: [], maxEnd: [] };
    b.maxEnd.push(Math.max(o.near.end, b.oks.length ? b.maxEnd[b.maxEnd.length - 1] : -Infinity));
    b.oks.push(o);
    byBackend.set(backendOf(o), b);
  }
  return groups.filter((g) => {
    const { oks, maxEnd } = byBackend.get(backendOf(g)) ?? { oks: [], maxEnd: [] };
    if (g.near.outcome !== "unanswered" || oks.length === 0 || diedOnPath(g)) return false;
    let lo = 0;
    let hi = oks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (oks[mid].start <= g.start + BURST_SECONDS) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1] >= g.start;
  });
}

/**
 * The failing SYN was sent, at the link layer, to a client of the gateway: a host whose own
 * requests to the gateway carry that MAC (straight from it, no router between). A client is no
 * router to the backend: the gateway's route for the backend is wrong (net.wrong-route).
 */
function nextHopIsClient(f: Facts, g: ConnGroup, out: Finding[]): void {
  for (const v of g.views) {
    const mac = v.synNextHopMac;
    // Loopback and cooked captures carry no real next hop (an all-zero or group address).
    if (!mac || v.outcome === "ok" || !unicastMac(mac)) continue;
    const client = f.captures
      .find((c) => c.point === v.point)
      ?.frontConns.find((x) => x.clientMac === mac && x.client !== v.address);
    if (!client) continue;
    const why = `the next hop ${client.client} is a client of the gateway (it sends requests to ${client.server}:${client.port}), not a router to the backend`;
    out.push(
      finding(
        "net.wrong-route",
        "decisive",
        "capture",
        [
          {
            ...v.ev,
            statement: `the SYN to ${v.address} was sent to ${mac}, the MAC of ${client.client}: ${v.ev.statement}`,
          },
        ],
        { address: v.address, port: v.port, why },
      ),
    );
    return;
  }
}

function unicastMac(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return !/^(00:){5}00$/i.test(mac) && !Number.isNaN(first) && (first & 1) === 0;
}

/** The failing connection the diagnosis is about: the most common failure, the latest of it. */
export function representative(groups: ConnGroup[]): ConnGroup | undefined {
  const failing = groups.filter(isFailure);
  if (failing.length === 0) return undefined;
  const count = new Map<ConnOutcome, { n: number; last: number }>();
  for (const g of failing) {
    const c = count.get(g.near.outcome) ?? { n: 0, last: -Infinity };
    count.set(g.near.outcome, { n: c.n + 1, last: Math.max(c.last, g.start) });
  }
  // On a tie the later attempt decides (a client that falls back to the name's next address).
  const top = [...count.entries()].sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last)[0][0];
  // The latest of that outcome (the first of them on a tie, as a stable sort would keep it).
  let rep: ConnGroup | undefined;
  for (const g of failing) if (g.near.outcome === top && (!rep || g.start > rep.start)) rep = g;
  return rep;
}

export function captureRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  unreachableRules(f, out);
  const groups = f.groups;
  if (groups.length === 0) return out;
  const oks = groups.filter((g) => g.near.outcome === "ok");
  const failing = groups.filter(isFailure);
  const lossyGroups = groups.filter(lossy);
  const late = groups.filter((g) => g.near.lateHandshake);

  if (failing.length === 0) {
    if (oks.length > 0) {
      const g = oks[oks.length - 1];
      out.push(
        finding("healthy", "decisive", "capture", [g.near.ev], {
          address: g.near.address,
          port: g.near.port,
          ...answeredExchanges(oks.map((o) => o.near)),
        }),
      );
      if (lossyGroups.length)
        out.push(
          finding(
            "net.packet-loss",
            "weak",
            "capture",
            lossyGroups.slice(0, 3).map((x) => x.near.ev),
            {
              retransmissions: sum(lossyGroups, (x) => x.near.retransmissions),
              succeeded: oks.length,
              failed: 0,
            },
          ),
        );
      if (late.length)
        out.push(
          finding(
            "backend.overloaded",
            "weak",
            "capture",
            late.slice(0, 3).map((x) => x.near.ev),
            { how: "late-synack" },
          ),
        );
    }
    return out;
  }

  const rep = representative(groups)!;
  const n = rep.near;
  const conn = { address: n.address, port: n.port };
  // Losing packets on established connections while others succeed: the path, not one endpoint.
  // Decisive only when failures themselves show the loss (a retransmitted or lost segment, an
  // answer that died on the way back) and no SYN that reached the backend went unanswered (that
  // is a full listen queue, backend.overloaded); random loss drops SYNs too, so an unanswered
  // connect beside lossy ones is its symptom, not a firewall.
  if (lossyGroups.length > 0) {
    const retrans = sum(lossyGroups, (x) => Math.max(...x.views.map((v) => v.retransmissions)));
    const dups = sum(lossyGroups, (x) => Math.max(...x.views.map((v) => v.dupAcks)));
    // Served: a response reached the gateway on some connection, even one whose last request then
    // failed (a persistent connection carries many requests, and its last one decides its outcome).
    const served = groups.filter((g) => g.near.responseBytes > 0);
    // Connects that went unanswered while served ones needed a retransmitted SYN or lost data on
    // the same path: the path loses SYNs too (a firewall rule drops every SYN alike).
    const synsLostToo = served.some((g) => g.near.lateHandshake || lossy(g));
    // A failure shows loss: its own segments retransmitted or lost between points, its SYN
    // answered farther along but the answer never back, or its request never ACKed (after a
    // retransmitted SYN Linux waits 3 s before retransmitting data, RFC 6298 section 5.7, so a
    // 3 s back-timeout ends before the first retransmission).
    // A request the backend ACKed and then left unanswered reached it: a repaired segment on the
    // way is no loss that explains the silence (unless the answer died between points).
    const silentAfterAck = (g: ConnGroup) =>
      g.near.outcome === "no-response" &&
      g.near.acked &&
      !lostBetween(g) &&
      !g.views.some((v) => v.outcome === "ok");
    const failuresShowLoss = failing.some(
      (g) =>
        (lossy(g) && !silentAfterAck(g)) ||
        (g.near.outcome === "unanswered" &&
          (synsLostToo || g.views.some((v) => v.outcome !== "unanswered"))) ||
        (g.near.outcome === "no-response" && !g.near.acked),
    );
    const decisive = served.length > 0 && failuresShowLoss && !groups.some(unansweredBesideBackend);
    // A reused connection carries many requests: with a log, its per-request tally says how many
    // succeeded (rules-log.ts); connections counted here would under-count them.
    const tally = f.log.length > 0 ? {} : { succeeded: oks.length, failed: failing.length };
    out.push(
      finding(
        "net.packet-loss",
        decisive ? "decisive" : failuresShowLoss ? "strong" : "weak",
        "capture",
        [...lossyGroups.slice(0, 3).map((x) => x.near.ev), ...(served[0] ? [served[0].near.ev] : [])],
        {
          ...conn,
          retransmissions: retrans,
          dupAcks: dups,
          ...tally,
        },
      ),
    );
  }
  // SYNs or their answers that died between capture points, with a connection to the same
  // backend served after one of them: the path drops some packets and lets others through (a
  // firewall rule drops every SYN alike, and one added later leaves no success after it).
  const diedOnPath = diedOnPathTest(f, groups);
  if (!out.some((x) => x.cause === "net.packet-loss" && x.strength === "decisive")) {
    const died = failing.filter(diedOnPath);
    const lastServed = new Map<string, number>();
    for (const g of groups)
      if (g.near.responseBytes > 0)
        lastServed.set(backendOf(g), Math.max(g.start, lastServed.get(backendOf(g)) ?? -Infinity));
    const d = died.find((x) => x.start < (lastServed.get(backendOf(x)) ?? -Infinity));
    const s =
      d && groups.find((g) => g.start > d.start && g.near.responseBytes > 0 && backendOf(g) === backendOf(d));
    if (d && s)
      out.push(
        finding("net.packet-loss", "decisive", "capture", [...d.views.map((v) => v.ev), s.near.ev], {
          ...conn,
          diedOnPath: died.length,
          ...(f.log.length > 0 ? {} : { succeeded: oks.length, failed: failing.length }),
        }),
      );
  }
  const burst = burstFailures(groups, diedOnPath);
  if (burst.length > 0 && lossyGroups.length === 0 && burst.length > 0) {
    out.push(
      finding(
        "backend.overloaded",
        "decisive",
        "capture",
        [
          ...burst.slice(0, 3).map((g) => g.near.ev),
          ...groups
            .filter((g) => ESTABLISHED.has(g.near.outcome))
            .slice(0, 2)
            .map((g) => g.near.ev),
        ],
        { ...conn, how: "partial-burst" },
      ),
    );
  }
  if (late.length > 0 && lossyGroups.length === 0) {
    out.push(
      finding(
        "backend.overloaded",
        "strong",
        "capture",
        late.slice(0, 3).map((g) => g.near.ev),
        { ...conn, how: "late-synack" },
      ),
    );
  }

  const ev = rep.views.map((v) => v.ev);
  nextHopIsClient(f, rep, out);
  switch (n.outcome) {
    case "unanswered": {
      if (n.lateSynAck) {
        // Answered, but after the gateway's connect timeout: SYNs or SYN-ACKs were lost or
        // dropped before one got through (random loss, or a full listen queue when nothing else
        // on the path lost packets).
        if (lossyGroups.length === 0)
          out.push(finding("backend.overloaded", "strong", "capture", ev, { ...conn, how: "late-synack" }));
        out.push(
          finding("tcp.silent-drop", "weak", "capture", ev, { ...conn, syns: n.syns, gaps: n.synGaps }),
        );
        break;
      }
      const far = rep.far;
      const answeredFar = rep.views.some((v) => v.outcome !== "unanswered");
      // A point that saw DNS but not this SYN is on the name server's segment, not the backend path.
      const missingAt = f.captures.filter(
        (c) => !rep.views.some((v) => v.point === c.point) && c.dns.length === 0,
      );
      const routed = rep.views.length > 1 && (rep.near.synTtl ?? 0) > (far.synTtl ?? 0);
      // Beside connections that lost segments and others that were served, one more lost SYN or answer.
      const lossExplains = out.some((x) => x.cause === "net.packet-loss" && x.strength === "decisive");
      // The gateway's own lookups left from another of its addresses, seen at another point:
      // the SYN took another way out than the path those points watch, so where it died is not
      // known from them (a wrong route looks the same; the report's routing table settles it).
      const otherWayOut = f.captures.find(
        (c) => !rep.views.some((v) => v.point === c.point) && c.dns.some((d) => d.client !== n.client),
      );
      const routeKnown = out.some((x) => x.cause === "net.wrong-route" && x.strength === "decisive");
      if (otherWayOut && !routeKnown) {
        const d = otherWayOut.dns.find((x) => x.client !== n.client)!;
        const why = `the SYN to ${n.address} left from ${n.client}, the gateway's DNS queries from ${d.client} (${otherWayOut.source}, where the SYN never appeared): check the gateway's route for ${n.address}`;
        out.push(
          finding("net.wrong-route", "weak", "capture", [{ ...n.ev, statement: why }, d.ev], {
            ...conn,
            why,
          }),
        );
      }
      if (answeredFar) {
        out.push(
          finding("tcp.silent-drop", lossExplains ? "strong" : "decisive", "capture", ev, {
            ...conn,
            syns: n.syns,
            gaps: n.synGaps,
            diedAfter: `the answer left ${rep.views.find((v) => v.outcome !== "unanswered")!.source}`,
          }),
        );
      } else if (missingAt.length > 0 && rep.views.length >= 1 && f.captures.length > 1) {
        out.push(
          finding("tcp.silent-drop", lossExplains || otherWayOut ? "strong" : "decisive", "capture", ev, {
            ...conn,
            syns: n.syns,
            gaps: n.synGaps,
            diedAfter: far.source,
          }),
        );
      } else if (routed) {
        // The SYN crossed the routers and reached the last point, beside the backend, unanswered.
        out.push(
          finding("backend.overloaded", "strong", "capture", ev, {
            ...conn,
            how: "unanswered-beside-backend",
          }),
        );
        out.push(
          finding("tcp.silent-drop", "weak", "capture", ev, { ...conn, syns: n.syns, gaps: n.synGaps }),
        );
      } else {
        out.push(
          finding("tcp.silent-drop", "strong", "capture", ev, { ...conn, syns: n.syns, gaps: n.synGaps }),
        );
      }
      break;
    }
    case "refused":
      out.push(
        finding("tcp.refused", "decisive", "capture", ev, {
          ...conn,
          ...(n.answerTtl !== null ? { rstTtl: n.answerTtl } : {}),
        }),
      );
      break;
    case "icmp": {
      const e = n.icmp!;
      const d = { ...conn, sender: e.sender, type: e.type, code: e.code };
      const m = icmpMeaning(e);
      if (m === "rejected")
        out.push(
          finding("tcp.rejected-icmp", "decisive", "capture", ev, {
            ...d,
            fromDestination: e.sender === n.address,
          }),
        );
      else
        out.push(
          finding("net.host-unreachable", m === "unreachable" ? "decisive" : "weak", "capture", ev, d),
        );
      break;
    }
    case "no-response":
      if ((n.acked || n.retransmissions === 0) && !lostBetween(rep))
        out.push(
          finding("backend.timeout", n.acked ? "decisive" : "strong", "capture", ev, {
            ...conn,
            waited: n.waited,
            lateResponse: n.lateResponse,
          }),
        );
      else if (!out.some((x) => x.cause === "net.packet-loss"))
        out.push(
          finding("net.packet-loss", "strong", "capture", ev, {
            ...conn,
            retransmissions: n.retransmissions,
            succeeded: oks.length,
            failed: failing.length,
          }),
        );
      break;
    case "closed":
      out.push(
        finding("backend.closed", "decisive", "capture", ev, { ...conn, requestBytes: n.requestBytes }),
      );
      break;
    case "reset":
      out.push(
        finding("backend.reset", "decisive", "capture", ev, { ...conn, afterResponse: n.responseBytes > 0 }),
      );
      break;
    case "tls-failed":
      out.push(
        finding("tls.handshake-failure", "decisive", "capture", ev, {
          ...conn,
          alert: n.tlsAlert,
          by: n.tlsAlertBy === "orig" ? "gateway" : "backend",
        }),
      );
      break;
    default:
      break;
  }
  // Failures that all ended before a later success, not in one burst: the gateway recovered.
  const lastOk = oks[oks.length - 1];
  if (
    lastOk &&
    burst.length === 0 &&
    lossyGroups.length === 0 &&
    failing.every((g) => g.near.end <= lastOk.start)
  ) {
    for (const x of out) x.strength = "weak";
    out.push(
      finding("healthy", "decisive", "capture", [lastOk.near.ev], {
        address: lastOk.near.address,
        port: lastOk.near.port,
        ...answeredExchanges(oks.map((o) => o.near)),
      }),
    );
  }
  return out;
}

function sum<T>(xs: T[], fn: (x: T) => number): number {
  return xs.reduce((a, x) => a + fn(x), 0);
}

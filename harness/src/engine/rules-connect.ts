/**
 * The connect's outcome as the gateway saw it (tcp.silent-drop, tcp.refused, tcp.rejected-icmp,
 * net.host-unreachable, net.wrong-route, backend.overloaded when the SYN reached the backend):
 * the representative failure's SYNs and what other capture points saw of them.
 */
import type { CaptureView } from "./capture-view.js";
import type { ConnGroup } from "./conn-groups.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";
import { icmpMeaning } from "./icmp-codes.js";

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

export function connectRules(f: Facts, v: CaptureView, out: Finding[]): void {
  nextHopIsClient(f, v.rep, out);
  const { lossyGroups, late, rep, n, conn, ev } = v;
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
    case "refused": {
      // Served connections to the same address beside the refused ones: it listens, some of the time.
      const same = (g: { near: { address: string; port: number } }) =>
        g.near.address === n.address && g.near.port === n.port;
      const served = v.oks.filter(same).length;
      const refused = v.failing.filter((g) => same(g) && g.near.outcome === "refused").length;
      out.push(
        finding("tcp.refused", "decisive", "capture", ev, {
          ...conn,
          ...(n.answerTtl !== null ? { rstTtl: n.answerTtl } : {}),
          ...(served > 0 ? { refusedOf: [refused, refused + served] as [number, number] } : {}),
        }),
      );
      break;
    }
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
    default:
      break;
  }
}

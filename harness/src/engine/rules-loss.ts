/**
 * net.packet-loss from captures: segments retransmitted or lost between capture points on
 * established connections, and SYNs or answers that died on the path while others got through.
 */
import {
  lostBetween,
  lossy,
  backendOf,
  sum,
  unansweredBesideBackend,
  type CaptureView,
} from "./capture-view.js";
import type { ConnGroup } from "./conn-groups.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";

export function lossRules(
  f: Facts,
  v: CaptureView,
  diedOnPath: (g: ConnGroup) => boolean,
  out: Finding[],
): void {
  const { groups, oks, failing, lossyGroups, conn, ev } = v;
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
}

/**
 * Capture rules for the TCP part of the path (tcp.*, backend.*, tls.*, net.host-unreachable,
 * net.packet-loss, healthy): each connection group's outcome as the gateway saw it, the other
 * capture points' views of the same SYN, unanswered ARP and ICMP errors. One module per label
 * family reads the same view (capture-view.ts); they run here in a fixed order, since later
 * families weigh what earlier ones found.
 */
import { burstFailures } from "./burst-failures.js";
import { isFailure, lossy, representative, sum, type CaptureView } from "./capture-view.js";
import type { ConnGroup } from "./conn-groups.js";
import { diedOnPathTest } from "./died-on-path.js";
import type { Facts } from "./facts.js";
import { finding, type Finding } from "./findings.js";
import { answeredExchanges } from "./response-wait.js";
import { connectRules } from "./rules-connect.js";
import { exchangeRules } from "./rules-exchange.js";
import { lossRules } from "./rules-loss.js";
import { overloadRules } from "./rules-overload.js";
import { tlsRules } from "./rules-tls.js";
import { unreachableRules } from "./rules-unreachable.js";

export { isFailure, representative };

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
  const v: CaptureView = {
    groups,
    oks,
    failing,
    lossyGroups,
    late,
    rep,
    n,
    conn,
    ev: rep.views.map((x) => x.ev),
  };
  const diedOnPath = diedOnPathTest(f, groups);
  lossRules(f, v, diedOnPath, out);
  const burst = burstFailures(groups, diedOnPath);
  overloadRules(v, burst, out);
  connectRules(f, v, out);
  exchangeRules(v, out);
  tlsRules(v, out);
  // Failures that all ended before a later success, not in one burst: the gateway recovered.
  // Not when the captures show where those failures' packets died while others got through:
  // that is a path that loses packets, and the next connection may fail the same way.
  const lastOk = oks[oks.length - 1];
  const diedBetweenPoints = out.some(
    (x) => x.cause === "net.packet-loss" && x.detail.diedOnPath !== undefined,
  );
  if (
    lastOk &&
    burst.length === 0 &&
    lossyGroups.length === 0 &&
    !diedBetweenPoints &&
    failing.every((g) => g.near.end <= lastOk.start) &&
    !intermittent(oks, failing)
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

/** Seconds after a failed connect within which a connect to another address is its fallback. */
const FALLBACK_SECONDS = 1;

/**
 * Failures that came and went while the backend served: a connect that failed after one to the
 * same address had begun (and was served), and whose request no fallback to another address carried
 * (Happy Eyeballs, the name's next address). The gateway did not recover; it fails now and then,
 * and each failure is an error it logged.
 */
function intermittent(oks: ConnGroup[], failing: ConnGroup[]): boolean {
  return failing.some(
    (g) =>
      oks.some((o) => o.near.address === g.near.address && o.start <= g.near.end) &&
      !oks.some(
        (o) =>
          o.near.address !== g.near.address && o.start >= g.start && o.start - g.near.end <= FALLBACK_SECONDS,
      ),
  );
}

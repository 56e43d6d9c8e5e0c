/**
 * Rules across fields that the schema alone cannot say; each returns `field message` like the
 * schema's messages so the loader reports them the same way.
 */
import type { Scenario, Step, TopologyChange } from "./schema.js";

export function checkScenario(s: Scenario): string[] {
  const out: string[] = [];
  if (!s.steps.some((st: Step) => st.request)) out.push("steps must include at least one request");
  s.dns.modes.forEach((m, i) => {
    if (m.mode === "moved" && !m.address) out.push(`dns.modes[${i}].address is required for mode moved`);
  });
  s.steps.forEach((st, i) => {
    const u = st.request?.until;
    if (u && u.failed + u.succeeded > st.request!.count)
      out.push(
        `steps[${i}].request.until asks for ${u.failed + u.succeeded} outcomes but count sends at most ${st.request!.count}`,
      );
    st.set?.dns?.modes.forEach((m, j) => {
      if (m.mode === "moved" && !m.address)
        out.push(`steps[${i}].set.dns.modes[${j}].address is required for mode moved`);
    });
  });
  if (s.backend.mode.startsWith("tls-") && s.gateway.backend.scheme !== "https")
    out.push(`gateway.backend.scheme must be https when backend.mode is ${s.backend.mode}`);
  const faultLists: [string, Scenario["firewall"]["faults"]][] = [["firewall.faults", s.firewall.faults]];
  s.steps.forEach(
    (st, i) =>
      st.set?.firewall && faultLists.push([`steps[${i}].set.firewall.faults`, st.set.firewall.faults]),
  );
  for (const [where, faults] of faultLists) {
    faults.forEach((f, i) => {
      if (f.tcpFlags && (f.action !== "drop" || f.path !== "from-backend"))
        out.push(`${where}[${i}].tcpFlags works only with action drop and path from-backend`);
      if (f.action === "reject" && f.with === "tcp-reset" && f.protocol !== "tcp")
        out.push(`${where}[${i}].with tcp-reset needs protocol tcp`);
      if ((f.action === "reject" || f.action === "rate-limit") && f.path.startsWith("from-"))
        out.push(`${where}[${i}].path must be to-backend or to-dns for ${f.action}`);
    });
  }
  const seen = new Set<string>();
  s.capture.forEach((p, i) => {
    const key = `${p.node}-${p.segment}`;
    if (seen.has(key)) out.push(`capture[${i}] repeats ${key}`);
    seen.add(key);
    if (!NODE_SEGMENTS[p.node].includes(p.segment))
      out.push(
        `capture[${i}].segment ${p.segment} is not one of ${p.node}'s segments (${NODE_SEGMENTS[p.node].join(", ")})`,
      );
  });
  const changes: [string, TopologyChange][] = [
    ...s.topology.map((t, i): [string, TopologyChange] => [`topology[${i}]`, t]),
    ...s.steps.flatMap((st, i): [string, TopologyChange][] =>
      st.topology ? [[`steps[${i}].topology`, st.topology]] : [],
    ),
  ];
  for (const [where, t] of changes) {
    if (t.kind === "route") continue;
    if (!NODE_SEGMENTS[t.node].includes(t.segment))
      out.push(
        `${where}.segment ${t.segment} is not one of ${t.node}'s segments (${NODE_SEGMENTS[t.node].join(", ")})`,
      );
    // Unplugging the interface ends a capture running on it.
    const j = s.capture.findIndex((p) => p.node === t.node && p.segment === t.segment);
    if (j >= 0)
      out.push(
        `capture[${j}] captures on ${t.node}-${t.segment}, which ${where} ${t.kind === "move" ? "moves" : "disconnects"} (list capture points without it)`,
      );
  }
  const budget = estimateSeconds(s);
  if (budget > s.timeoutSeconds)
    out.push(`timeoutSeconds ${s.timeoutSeconds} is less than the steps need (about ${Math.ceil(budget)} s)`);
  return out;
}

/** Which segments each node sits on (ARCHITECTURE.md "Topology"). */
export const NODE_SEGMENTS: Record<Scenario["capture"][number]["node"], readonly string[]> = {
  client: ["front"],
  gateway: ["front", "mid"],
  firewall: ["mid", "back", "dnsnet"],
  backend: ["back"],
  dns: ["dnsnet"],
};

/** Longest one client request may take: DNS tries, connect, response, plus a margin. */
export function requestLimitSeconds(s: Scenario): number {
  const g = s.gateway;
  const dnsWorst = g.dns.timeoutSeconds * (g.dns.retries + 1) * Math.max(1, g.dns.servers.length);
  return Math.ceil(dnsWorst + g.connectTimeoutSeconds + g.backTimeoutSeconds + 3);
}

/** A rough upper bound of the steps' time, to catch a timeoutSeconds too small to finish. */
export function estimateSeconds(s: Scenario): number {
  let t = 0;
  for (const st of s.steps) {
    if (st.wait) t += st.wait.seconds;
    if (st.request) {
      const per = st.request.maxTimeSeconds ?? requestLimitSeconds(s);
      const rounds = Math.ceil(st.request.count / st.request.concurrency);
      t += rounds * per + ((st.request.count - 1) * st.request.intervalMs) / 1000;
    }
  }
  return t;
}

/**
 * HAProxy is ready when it listens and, if it resolves the backend's name, its first resolution
 * has an outcome: until then a request finds no server (`<NOSRV>`) whatever the DNS would say.
 * Read through the runtime API on loopback (`show servers state`, `show resolvers`).
 */
import type { ReadinessProbe } from "../../topology/topology.js";
import type { StartedNode } from "../../topology/started-node.js";
import { pollUntil } from "../../util/poll-until.js";
import type { GatewayPlan } from "./gateway-plan.js";
import { HAPROXY_STATS_PORT, usesResolvers } from "./haproxy-config.js";

const ask = (cmd: string) =>
  `{ exec 3<>/dev/tcp/127.0.0.1/${HAPROXY_STATS_PORT} && echo '${cmd}' >&3 && timeout 2 cat <&3; }`;

export function haproxyReady(p: GatewayPlan): ReadinessProbe {
  const listening = `ss -Hltn 'sport = :${p.frontPort}' | grep -q .`;
  if (!usesResolvers(p)) return { cmd: ["sh", "-c", listening] };
  const attempts = 1 + Math.max(...p.dns.servers.map((s) => s.retries));
  const script = [
    `${listening} || exit 1`,
    // srv_addr (5th column) is `-` until an answer gave the server an address.
    `addr=$(${ask("show servers state be")} | awk '$4 == "srv" { print $5 }')`,
    `[ -n "$addr" ] && [ "$addr" != "-" ] && exit 0`,
    // Or the first resolution ended otherwise: an error answer, or every attempt sent.
    `${ask("show resolvers dns")} | awk -v n=${attempts} '$1 == "sent:" { s += $2 } $1 ~ /^(nx|refused|other|invalid|any_err|timeout|valid):$/ { e += $2 } END { exit !(e > 0 || s >= n) }'`,
  ].join("\n");
  return { cmd: ["bash", "-c", script] };
}

/** Queries sent and outcomes (answers of any kind, timeouts) of the `dns` resolvers so far. */
async function resolverCounters(node: StartedNode): Promise<{ sent: number; outcomes: number }> {
  const r = await node.execOk(["bash", "-c", ask("show resolvers dns")], { timeoutMs: 5_000 });
  let sent = 0;
  let outcomes = 0;
  for (const m of r.stdout.matchAll(/^\s*(\w+):\s+(\d+)\s*$/gm)) {
    if (m[1] === "sent") sent += Number(m[2]);
    else if (/^(valid|nx|refused|other|invalid|any_err|timeout)$/.test(m[1])) outcomes += Number(m[2]);
  }
  return { sent, outcomes };
}

/**
 * HAProxy resolves on its own clock (every `timeout resolve`), not per request: wait until a
 * resolution that started after the captures did has ended, so the captures hold the queries
 * and answers the requests' outcome depends on.
 */
export async function haproxySettle(node: StartedNode, p: GatewayPlan): Promise<void> {
  if (!usesResolvers(p)) return;
  const start = await resolverCounters(node);
  const attempts = 1 + Math.max(...p.dns.servers.map((s) => s.retries));
  const t0 = Date.now();
  await pollUntil(
    async () => {
      const now = await resolverCounters(node);
      if (now.sent <= start.sent) throw new Error("no new DNS query yet");
      // No answer ends a resolution only after every attempt timed out.
      const waited = (Date.now() - t0) / 1000 > p.dns.timeout * attempts + 1;
      if (now.outcomes <= start.outcomes && !waited) throw new Error("no outcome yet");
      return true;
    },
    {
      what: "haproxy's next DNS resolution",
      timeoutMs: 5_000 + p.dns.timeout * attempts * 1000,
      intervalMs: 100,
    },
  );
}

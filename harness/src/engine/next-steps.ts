/**
 * Next steps from the evidence: the culprit the captures point at (the hop between two capture
 * points where the packet died), the TLS reason the log names, the appliance's own tools first
 * (TCP Connection Test, Ping Remote, show route / netarp / dns-cache, a packet capture on the
 * interface facing the backend), then commands on other hosts. Never a request for an artifact
 * that was given (`withoutGiven`). A typed map over every label.
 */
import type { Cause } from "../taxonomy.js";
import type { CauseDetail } from "./findings.js";
import { at, nm, type Context, type Render } from "./explain.js";
import { culpritHop, hopText } from "./where-died.js";
import { tlsReasonSteps } from "./tls-reason.js";

const addr = (d: { address?: string }, c: Context) => d.address ?? c.host ?? "the backend";
const port = (d: { port?: number }) => (d.port ? ` ${d.port}` : " <port>");
const tcpTest = (d: { address?: string; port?: number }, c: Context) =>
  `On the gateway, run TCP Connection Test to ${addr(d, c)}${port(d)} (\`test tcp-connection ${addr(d, c)}${port(d)}\`) to retry the connect alone, and Ping Remote (\`ping ${addr(d, c)}\`).`;
const routeArp = (d: { address?: string }, c: Context) =>
  `On the gateway, \`show route\` (which interface and next hop carry ${addr(d, c)}) and \`show netarp\` (whether the next hop answers ARP).`;
const gwCapture =
  "On the gateway, take a packet capture on the interface facing the backend while reproducing.";

/** Where the packet died, as a step naming the culprit; null when the captures do not tell. */
function culpritStep(c: Context, what: "SYN" | "answer"): string | null {
  const hop = c.path ? culpritHop(c.path) : null;
  if (!hop) return null;
  const box = hopText(hop[0], hop[1]);
  return what === "SYN"
    ? `The captures show the SYN dropped in ${box}: it was last seen at ${hop[0]} and never at ${hop[1]}. Look there first: its drop rules and their counters for the gateway's address to ${c.dest}.`
    : `The captures show the backend's answer dropped in ${box}: seen at ${hop[1]}, never at ${hop[0]}. Look there for rules on the return direction (from the backend to the gateway), or asymmetric routing.`;
}

export const NEXT_STEPS: Render<string[]> = {
  healthy: () => [
    "Nothing to fix on the backend side; if clients still see errors, look at the front side and the gateway's own processing.",
  ],
  "dns.nxdomain": (d, c) => [
    `Check the spelling of ${nm(d, c)} in the backend URL and the gateway's search domains (\`show dns\`).`,
    `Ask the name server directly from a host: dig ${nm(d, c)}.`,
    "Add the record, or a static host on the gateway.",
  ],
  "dns.servfail": (d, c) => [
    `On the gateway, \`show dns\` (which name servers it uses); then query the server directly (dig @${d.server ?? "server"} ${nm(d, c)}) and read its logs.`,
    "Check its forwarders / reachability of the authoritative servers and DNSSEC validation.",
  ],
  "dns.refused": (d, c) => [
    `Check that the name server${d.server ? ` ${d.server}` : ""} serves ${nm(d, c)}'s zone and allows recursion for the gateway's address.`,
    "Point the gateway at a resolver that accepts its queries (`show dns` lists them).",
  ],
  "dns.no-address": (d, c) => [
    `Add an A (or AAAA) record for ${nm(d, c)}, or change the gateway's IP preference to the family that exists.`,
  ],
  "dns.no-response": (d) =>
    d.late
      ? [
          "Find out why the name server answers late (its forwarders or upstream servers, its load).",
          `Raise the gateway's DNS timeout above ${d.late.after.toFixed(1)} s, or put a faster name server first.`,
        ]
      : [
          `On the gateway, Ping Remote the name server${d.servers.length ? ` (\`ping ${d.servers[0]}\`)` : ""} and \`show route\` to it.`,
          "Check that the name servers are up and listen on UDP and TCP 53, and firewalls between gateway and name servers for DNS drops.",
          "Add a second name server, or lower the DNS timeout.",
        ],
  "dns.not-configured": () => [
    "Configure a name server in the default domain's DNS settings (name-server), or use a static host / IP address in the backend URL.",
  ],
  "dns.stale-cache": (d, c) => [
    `On the gateway, \`show dns-cache\` (the cached ${d.cached.join(", ") || "address"}), then \`clear dns-cache\` and retry; TCP Connection Test to ${nm(d, c)}${port({})} confirms the new address${d.current.length ? ` (${d.current.join(", ")})` : ""} answers.`,
    `Lower the TTL of ${nm(d, c)} before moving a backend, or keep the old address serving until caches expire.`,
  ],
  "tcp.silent-drop": (d, c) => {
    const told = c.path?.kind === "answer-lost" ? culpritStep(c, "answer") : culpritStep(c, "SYN");
    return [
      ...(told ? [told] : []),
      tcpTest(d, c),
      routeArp(d, c),
      ...(told
        ? []
        : [
            "Look for drop rules on every firewall between gateway and backend (counters on the matching rule).",
          ]),
      ...(c.path?.kind === "unanswered"
        ? [
            "The SYN reached the last capture point unanswered: on the backend, check `nstat -az TcpExtListenOverflows` and its host firewall.",
          ]
        : []),
      ...(c.given.points.length ? [] : [gwCapture]),
    ];
  },
  "tcp.refused": (d, c) => [
    tcpTest(d, c),
    `On the backend, check that the service listens on ${at(d, c)} (ss -ltn).`,
    "Check firewalls for reject-with-tcp-reset rules (a TTL differing from the backend's other packets betrays one).",
  ],
  "tcp.rejected-icmp": (d, c) => [
    tcpTest(d, c),
    d.fromDestination
      ? "Check the backend host's own firewall."
      : `Check the reject rule on ${d.sender ?? "the router that sent the ICMP"}.`,
    "Allow the gateway's address to the backend port.",
  ],
  "net.host-unreachable": (d, c) => [
    routeArp(d, c),
    `Check that ${addr(d, c)} is up and attached to its segment (ARP/neighbour table on its router), and the routes on the routers along the path.`,
  ],
  "net.wrong-route": (d, c) => [
    `On the gateway, \`show route\`: the route for ${addr(d, c)} should leave by the interface facing the backend's router, not ${d.iface ?? "the current one"}; fix it and retry with TCP Connection Test.`,
    "Avoid several default routes on different interfaces.",
  ],
  "backend.overloaded": (d, c) => [
    ...(c.path?.kind === "unanswered" && c.given.points.length > 1
      ? [
          `The captures show the SYNs reached ${c.path.last} and got no answer: the backend host dropped them.`,
        ]
      : []),
    `On the gateway, repeat TCP Connection Test to ${addr(d, c)}${port(d)}: some connects succeed and some time out while the backend is full.`,
    "On the backend, check `nstat -az TcpExtListenOverflows` and the listen backlog (ss -ltn Send-Q); scale it or raise its backlog, or reduce the gateway's concurrency.",
  ],
  "backend.timeout": (_d, c) => [
    "Look at why the backend did not answer (application logs, thread dumps, slow dependencies).",
    `Compare the backend's response time with the gateway's back-timeout${c.backTimeout ? ` (${c.backTimeout} s)` : ""}.`,
  ],
  "backend.closed": () => [
    "Read the backend's logs for the request: it closed without answering (crash, request rejected, idle timeout shorter than the gateway's).",
  ],
  "backend.reset": (d) => [
    d.afterResponse
      ? "Turn off or shorten the gateway's persistent connections (back-persistent-timeout) below the backend's idle timeout."
      : "Read the backend's logs: it aborted the connection (crash, restart, SO_LINGER 0, a proxy in front of it).",
  ],
  "tls.handshake-failure": (d, c) =>
    tlsReasonSteps(d.alert, at(d, c), c.given.log ? "the gateway's log" : "the capture"),
  "net.packet-loss": (d, c) => [
    ...(c.lossAt
      ? [`The captures show where: ${c.lossAt}. Check that device's interface error and drop counters first.`]
      : []),
    `On the gateway, repeat Ping Remote to ${addr(d, c)} (\`ping ${addr(d, c)}\`): lost echoes confirm loss on the path.`,
    "Measure loss on the path (mtr, interface error and drop counters); check duplex/MTU mismatches and overloaded links or firewalls.",
  ],
};

/** Requests for artifacts, by what they ask for: dropped when that artifact was given. */
const ASKS = {
  capture: /\b(capture beside|capture on|packet capture|a capture\b|take a capture|capture while)/i,
  log: /\b(debug(-level)? log|log at debug|loglevel)/i,
  report: /\b(save error-report|an error report|the error report)/i,
};

export function withoutGiven(steps: string[], c: Context): string[] {
  return steps.filter(
    (s) =>
      !(c.given.points.length > 1 && ASKS.capture.test(s)) &&
      !(c.given.log && ASKS.log.test(s)) &&
      !(c.given.report && ASKS.report.test(s)),
  );
}

export function nextSteps<K extends Cause>(cause: K, d: CauseDetail[K], c: Context): string[] {
  return withoutGiven((NEXT_STEPS[cause] as (d: CauseDetail[K], c: Context) => string[])(d, c), c);
}

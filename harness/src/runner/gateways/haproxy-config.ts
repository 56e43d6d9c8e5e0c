/**
 * A GatewayPlan as haproxy.cfg (HAProxy 2.6 configuration manual). The log goes to stdout
 * (`log stdout format iso`: HAProxy writes only to syslog targets, and stdout is one), in the
 * HTTP log format whose termination state (section 8.5) says how each session ended. A backend
 * named by DNS is resolved by a `resolvers` section (the plan's name servers), from no address
 * at start (`init-addr none`), so a name that does not resolve leaves the server without an
 * address (503s with `<NOSRV>` and `SC`) instead of stopping HAProxy.
 */
import type { GatewayPlan } from "./gateway-plan.js";

export const HAPROXY_CFG = "/etc/backside/haproxy/haproxy.cfg";
export const HAPROXY_CA = "/etc/backside/haproxy/backend-ca.pem";
/** The runtime API on loopback (never on a captured link), for the readiness probe. */
export const HAPROXY_STATS_PORT = 9999;

/** Whether HAProxy resolves the backend's name itself (a `resolvers` section). */
export function usesResolvers(p: GatewayPlan): boolean {
  return p.backend.isName && p.backend.staticAddress === undefined && p.dns.servers.length > 0;
}

const ms = (seconds: number) => `${Math.max(1, Math.round(seconds * 1000))}ms`;

export function renderHaproxyCfg(p: GatewayPlan): string {
  const b = p.backend;
  const resolved = b.isName && b.staticAddress === undefined;
  const useResolvers = usesResolvers(p);
  const server = [
    `  server srv ${b.staticAddress ?? b.host}:${b.port}`,
    ...(resolved ? ["init-addr none"] : []),
    ...(useResolvers ? ["resolvers dns", `resolve-prefer ipv${p.dns.ipPreference === 6 ? 6 : 4}`] : []),
    // Idle server connections kept for reuse are closed after this long.
    `pool-purge-delay ${ms(p.backPersistentTimeout)}`,
    ...(b.scheme === "https" ? tlsWords(p) : []),
  ].join(" ");
  const lines = [
    "global",
    "  log stdout format iso local0 info",
    "  hard-stop-after 5s",
    `  stats socket ipv4@127.0.0.1:${HAPROXY_STATS_PORT} level user`,
    ...(useResolvers ? resolversLines(p) : []),
    "defaults",
    "  mode http",
    "  log global",
    "  option httplog",
    `  timeout connect ${ms(p.connectTimeout)}`,
    `  timeout server ${ms(p.backTimeout)}`,
    `  timeout client ${ms(p.frontTimeout)}`,
    // One connect attempt, as the appliance makes.
    "  retries 0",
    ...(p.persistentConnections
      ? ["  http-reuse always"]
      : ["  option http-server-close", "  http-reuse never"]),
    "frontend fe",
    `  bind :${p.frontPort}`,
    "  default_backend be",
    "backend be",
    `  http-request set-header Host ${b.host}:${b.port}`,
    server,
  ];
  return lines.join("\n") + "\n";
}

function resolversLines(p: GatewayPlan): string[] {
  const d = p.dns;
  return [
    "resolvers dns",
    ...d.servers.map((s, i) => `  nameserver ns${i + 1} ${s.address}:${s.port}`),
    `  resolve_retries ${1 + Math.max(...d.servers.map((s) => s.retries))}`,
    `  timeout retry ${ms(d.timeout)}`,
    "  timeout resolve 1s",
    // How long the last good answer stands once the server answers otherwise; the appliance
    // has no such grace, so none.
    "  hold nx 0s",
    "  hold refused 0s",
    "  hold timeout 0s",
    "  hold other 0s",
    "  hold obsolete 0s",
    "  hold valid 10s",
  ];
}

function tlsWords(p: GatewayPlan): string[] {
  const name = p.tls.servername;
  return [
    "ssl",
    "ssl-min-ver TLSv1.2",
    `sni str(${name})`,
    ...(p.tls.verify ? ["verify required", `ca-file ${HAPROXY_CA}`, `verifyhost ${name}`] : ["verify none"]),
  ];
}

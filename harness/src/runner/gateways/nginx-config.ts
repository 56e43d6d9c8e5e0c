/**
 * A GatewayPlan as nginx.conf (ngx_http_proxy_module, ngx_http_upstream_module, resolver).
 * A backend named by DNS goes through a variable in proxy_pass, so nginx resolves it at request
 * time with its own resolver (the name servers of the plan), honouring the answer's TTL; without
 * a name server nginx logs `no resolver defined to resolve <name>`. An address (or a static host)
 * goes in an upstream block, where keepalive is possible.
 */
import type { GatewayPlan } from "./gateway-plan.js";

export const NGINX_CONF = "/etc/backside/nginx/nginx.conf";
export const NGINX_CA = "/etc/backside/nginx/backend-ca.pem";
export const NGINX_ERROR_LOG = "/var/log/backside/error.log";
export const NGINX_ACCESS_LOG = "/var/log/backside/access.log";

/**
 * The access log's format: `$connection` is the `*N` of the error log's lines, so the engine
 * joins the two; the upstream timers are `-` when no connection was made.
 */
export const NGINX_ACCESS_FORMAT =
  '$time_iso8601 msec=$msec *$connection client=$remote_addr request="$request" status=$status ' +
  "upstream=$upstream_addr upstream_status=$upstream_status upstream_connect_time=$upstream_connect_time " +
  "upstream_header_time=$upstream_header_time upstream_response_time=$upstream_response_time";

export const NGINX_RESEND_SECONDS = 5;

/** nginx caps proxy_connect_timeout at 75 s; durations are whole milliseconds. */
const ms = (seconds: number) => `${Math.max(1, Math.round(seconds * 1000))}ms`;

/** Whether the backend goes through an upstream block (an address), or is resolved per request. */
export function resolvesPerRequest(p: GatewayPlan): boolean {
  return p.backend.isName && p.backend.staticAddress === undefined;
}

export function renderNginxConf(p: GatewayPlan): string {
  const b = p.backend;
  const perRequest = resolvesPerRequest(p);
  const base = b.path.replace(/\/$/, "");
  const keepalive = p.persistentConnections && !perRequest;
  const lines = [
    "user www-data;",
    "worker_processes 1;",
    "pid /run/nginx.pid;",
    `error_log ${NGINX_ERROR_LOG} info;`,
    "events { worker_connections 512; }",
    "http {",
    `  log_format backside '${NGINX_ACCESS_FORMAT}';`,
    `  access_log ${NGINX_ACCESS_LOG} backside;`,
    ...resolverLines(p),
    ...(perRequest
      ? []
      : [
          "  upstream backend {",
          `    server ${b.staticAddress ?? b.host}:${b.port} max_fails=0;`,
          ...(keepalive
            ? ["    keepalive 16;", `    keepalive_timeout ${ms(p.backPersistentTimeout)};`]
            : []),
          "  }",
        ]),
    "  server {",
    `    listen ${p.frontPort};`,
    `    client_header_timeout ${ms(p.frontTimeout)};`,
    `    client_body_timeout ${ms(p.frontTimeout)};`,
    `    send_timeout ${ms(p.frontTimeout)};`,
    "    location / {",
    ...(perRequest ? [`      set $backside_backend "${b.host}";`] : []),
    perRequest
      ? `      proxy_pass ${b.scheme}://$backside_backend:${b.port}${base}$request_uri;`
      : `      proxy_pass ${b.scheme}://backend${base}$request_uri;`,
    `      proxy_set_header Host "${b.host}:${b.port}";`,
    `      proxy_connect_timeout ${ms(Math.min(p.connectTimeout, 75))};`,
    `      proxy_read_timeout ${ms(p.backTimeout)};`,
    `      proxy_send_timeout ${ms(p.backTimeout)};`,
    // One attempt, as the appliance makes: a failure is the answer, never another try.
    "      proxy_next_upstream off;",
    ...(keepalive ? ["      proxy_http_version 1.1;", '      proxy_set_header Connection "";'] : []),
    ...(b.scheme === "https" ? tlsLines(p) : []),
    "    }",
    "  }",
    "}",
  ];
  return lines.join("\n") + "\n";
}

function resolverLines(p: GatewayPlan): string[] {
  const d = p.dns;
  if (d.servers.length === 0) return [];
  const servers = d.servers.map((s) => (s.port === 53 ? s.address : `${s.address}:${s.port}`));
  const v6 = d.forceIpPreference && d.ipPreference === 4 ? " ipv6=off" : "";
  // nginx resends a query to its next server every 5 s (ngx_resolver.c resend_timeout, fixed),
  // until resolver_timeout bounds the whole resolution: one attempt per server and retry.
  const attempts = Math.max(1, d.servers.length) * (1 + Math.max(...d.servers.map((s) => s.retries)));
  const total = Math.max(NGINX_RESEND_SECONDS, d.timeout) * attempts;
  return [`  resolver ${servers.join(" ")}${v6};`, `  resolver_timeout ${ms(total)};`];
}

function tlsLines(p: GatewayPlan): string[] {
  return [
    `      proxy_ssl_verify ${p.tls.verify ? "on" : "off"};`,
    ...(p.tls.caPem ? [`      proxy_ssl_trusted_certificate ${NGINX_CA};`] : []),
    "      proxy_ssl_verify_depth 3;",
    `      proxy_ssl_name ${p.tls.servername};`,
    "      proxy_ssl_server_name on;",
    "      proxy_ssl_protocols TLSv1.2 TLSv1.3;",
  ];
}

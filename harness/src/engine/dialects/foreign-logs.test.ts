/**
 * The dialects on logs set up the way other people set them up (fixtures/foreign/README.md: the
 * product versions and every configuration knob): nginx's default `combined` access log and
 * custom formats (key=value, positional, JSON), error logs at warn/error/info/debug and through
 * syslog, several upstream servers and upstream keepalive; HAProxy through syslog in its RFC 3164,
 * RFC 5424, short and raw forms, with health checks, `resolvers` and `option redispatch`, and its
 * stderr. Each case names the files read together and the verdict from them alone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EventName } from "../../appliance/index.js";
import type { Cause } from "../../taxonomy.js";
import { diagnose } from "../diagnose.js";
import { detectDialect, readLogText } from "./read-log-text.js";

const DIR = join(import.meta.dirname, "fixtures", "foreign");

interface Case {
  files: string[];
  event?: EventName;
  cause: Cause;
}

const NGINX: Record<string, Case> = {
  "combined access log, served": { files: ["healthy.access.log"], event: "responseSent", cause: "healthy" },
  "refused, apm key=value access log": {
    files: ["refused.log", "refused.access.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  // A 502 with no upstream connect time: a connect that failed at once (the error log says how).
  "refused, the apm access log alone": { files: ["refused.access.log"], cause: "tcp.refused" },
  "connect timeout (nft drop), positional uct= access log": {
    files: ["drop.log", "drop.access.log"],
    event: "connectTimedOut",
    cause: "tcp.silent-drop",
  },
  "read timeout at info level, JSON access log": {
    files: ["readtimeout.log", "readtimeout.access.log"],
    event: "backendNoResponse",
    cause: "backend.timeout",
  },
  // A 504 after the upstream's connect time: the response timed out.
  "read timeout, the JSON access log alone": { files: ["readtimeout.access.log"], cause: "backend.timeout" },
  "reset, combined": {
    files: ["reset.log", "reset.access.log"],
    event: "connectionReset",
    cause: "backend.reset",
  },
  "closed without response, error_log debug": {
    files: ["closed.log", "closed.access.log"],
    event: "backendClosed",
    cause: "backend.closed",
  },
  "ICMP host unreachable from the router": {
    files: ["unreach.log", "unreach.access.log"],
    event: "hostUnreachable",
    cause: "net.host-unreachable",
  },
  "TLS unknown CA (proxy_ssl_verify on)": {
    files: ["tls-ca.log", "tls-ca.access.log"],
    event: "tlsVerifyFailed",
    cause: "tls.handshake-failure",
  },
  "TLS hostname mismatch (proxy_ssl_name)": {
    files: ["tls-name.log", "tls-name.access.log"],
    event: "tlsVerifyFailed",
    cause: "tls.handshake-failure",
  },
  "TLS protocol version (proxy_ssl_protocols TLSv1.3)": {
    files: ["tls-version.log", "tls-version.access.log"],
    event: "tlsHandshakeFailed",
    cause: "tls.handshake-failure",
  },
  "resolver NXDOMAIN": {
    files: ["dns-nx.log", "dns-nx.access.log"],
    event: "dnsResolveFailed",
    cause: "dns.nxdomain",
  },
  "resolver SERVFAIL": {
    files: ["dns-servfail.log", "dns-servfail.access.log"],
    event: "dnsResolveFailed",
    cause: "dns.servfail",
  },
  "resolver timeout": {
    files: ["dns-timeout.log", "dns-timeout.access.log"],
    event: "dnsResolveFailed",
    cause: "dns.no-response",
  },
  "resolver answer, served": {
    files: ["dns-ok.log", "dns-ok.access.log"],
    event: "responseSent",
    cause: "healthy",
  },
  // One server refuses, the next serves: every request answered 200.
  "proxy_next_upstream to a good server": {
    files: ["next-upstream.log", "next-upstream.access.log"],
    event: "connectRefused",
    cause: "healthy",
  },
  "both servers fail (refused, then no live upstreams)": {
    files: ["next-alldead.log", "next-alldead.access.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  // A cached keepalive connection closed by the backend: nginx retries on a new one, 200.
  "upstream keepalive, a reused connection closed": {
    files: ["keepalive.log", "keepalive.access.log"],
    event: "backendClosed",
    cause: "healthy",
  },
  "error and access log through syslog": {
    files: ["syslog-refused.log", "syslog-refused.access.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  "the backend answers bytes that are not HTTP": {
    files: ["garbage.log", "garbage.access.log"],
    event: "backendAnswerRejected",
    cause: "healthy",
  },
  "error_log crit: only the access log's 504": {
    files: ["crit-readtimeout.access.log"],
    event: "errorResponseSent",
    cause: "tcp.silent-drop",
  },
  // Clients that gave up (FIN, RST) at error_log info: the errno is the client's, not the backend's.
  "clients abort at info level, combined": {
    files: ["client-abort.log", "client-abort.access.log"],
    event: "responseSent",
    cause: "healthy",
  },
  "proxy_next_upstream at warn: `upstream server temporarily disabled`": {
    files: ["next-upstream-warn.log", "next-upstream-warn.access.log"],
    event: "connectRefused",
    cause: "healthy",
  },
  "error_log debug: TLS protocol version": {
    files: ["debug-tls-version.log", "debug-tls-version.access.log"],
    event: "tlsHandshakeFailed",
    cause: "tls.handshake-failure",
  },
  "error_log debug: reset": {
    files: ["debug-reset.log", "debug-reset.access.log"],
    event: "connectionReset",
    cause: "backend.reset",
  },
};

const HAPROXY: Record<string, Case> = {
  "served, RFC 3164": { files: ["healthy.log"], event: "responseSent", cause: "healthy" },
  // SC with a server: the connect failed at once (no errno in HAProxy's log).
  "refused, RFC 5424": { files: ["refused.log"], event: "backsideFailed", cause: "tcp.refused" },
  "refused health check, format raw": {
    files: ["refused-check.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  "refused health check, stderr": {
    files: ["stderr-refused-check.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  "connect timeout, format iso": { files: ["drop.log"], event: "connectTimedOut", cause: "tcp.silent-drop" },
  "health check Layer4 timeout": {
    files: ["drop-check.log"],
    event: "connectTimedOut",
    cause: "tcp.silent-drop",
  },
  "response timeout (sH)": {
    files: ["readtimeout.log"],
    event: "backendNoResponse",
    cause: "backend.timeout",
  },
  // SH: closed or reset before the headers, alike in HAProxy's log.
  "closed before headers (SH), format short": {
    files: ["closed.log"],
    event: "backsideFailed",
    cause: "backend.closed",
  },
  "reset before headers (SH)": { files: ["reset.log"], event: "backsideFailed", cause: "backend.closed" },
  "health check SSL handshake failure": {
    files: ["tls-ca-check.log"],
    event: "tlsHandshakeFailed",
    cause: "tls.handshake-failure",
  },
  "two servers down by health checks, then <NOSRV>": {
    files: ["alldown.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  // `resolvers` with `init-addr none`: a name that never resolves logs no state change.
  "a name that never resolved: <NOSRV> only": {
    files: ["dns-nx.log"],
    event: "connectServerFailed",
    cause: "dns.nxdomain",
  },
  "option log-health-checks, then response timeouts": {
    files: ["health-checks.log"],
    event: "backendNoResponse",
    cause: "backend.timeout",
  },
  "`Health check for server ... failed` on stderr": {
    files: ["stderr-health-check.log"],
    event: "connectRefused",
    cause: "tcp.refused",
  },
  "a resolved name gone (DNS NX status), then <NOSRV>": {
    files: ["dns-lost.log"],
    event: "dnsResolveFailed",
    cause: "dns.nxdomain",
  },
  // mode tcp, option tcplog: no HTTP status, the bytes from the server tell an answer.
  "tcplog: served": { files: ["tcp-ok.log"], event: "bytesReceived", cause: "healthy" },
  "tcplog: TLS passed through, served": {
    files: ["tcp-tlspass.log"],
    event: "bytesReceived",
    cause: "healthy",
  },
  "tcplog: refused (SC)": { files: ["tcp-refused.log"], event: "backsideFailed", cause: "tcp.refused" },
  "tcplog: connect timeout (sC)": {
    files: ["tcp-drop.log"],
    event: "connectTimedOut",
    cause: "tcp.silent-drop",
  },
  "tcplog: no answer (sD, 0 bytes)": {
    files: ["tcp-mute.log"],
    event: "backendNoResponse",
    cause: "backend.timeout",
  },
  "tcplog: reset (SD)": { files: ["tcp-reset.log"], event: "backsideFailed", cause: "backend.reset" },
  "tcplog: closed with nothing sent (--, 0 bytes)": {
    files: ["tcp-closed.log"],
    event: "backsideFailed",
    cause: "backend.closed",
  },
  // The server answered bytes that are not HTTP: HAProxy refused the answer (PH), the connection worked.
  "PH: the server's answer refused": {
    files: ["garbage.log"],
    event: "backendAnswerRejected",
    cause: "healthy",
  },
  // option httplog clf starts like nginx's combined line.
  "option httplog clf, refused": {
    files: ["clf-refused.log"],
    event: "backsideFailed",
    cause: "tcp.refused",
  },
  "option httplog clf, served": { files: ["clf-ok.log"], event: "responseSent", cause: "healthy" },
  // The client left during the body (CD): the server had answered 200.
  "client abort during data (CD)": { files: ["client-abort.log"], event: "responseSent", cause: "healthy" },
  // The client gave up first (no abortonclose): HAProxy still waits for the server, `sH`.
  "the client left, then timeout server (sH)": {
    files: ["client-left-server-timeout.log"],
    event: "backendNoResponse",
    cause: "backend.timeout",
  },
  "redispatch to a good server": { files: ["redispatch.log"], event: "responseSent", cause: "healthy" },
  "resolved by resolvers, served": { files: ["dns-ok.log"], event: "responseSent", cause: "healthy" },
};

async function check(gateway: "nginx" | "haproxy", c: Case): Promise<void> {
  const logs = c.files.map((f) => join(DIR, gateway, f));
  const facts = logs.flatMap((p) => {
    const text = readFileSync(p, "utf8");
    expect(detectDialect(text), p).toBe(gateway);
    return readLogText(text, p).facts;
  });
  if (c.event) expect(facts.map((f) => f.event)).toContain(c.event);
  expect((await diagnose({ logs })).cause).toBe(c.cause);
}

describe("nginx logs as others configure them", () => {
  it.each(Object.entries(NGINX))("%s", (_, c) => check("nginx", c));
});

describe("HAProxy logs as others configure them", () => {
  it.each(Object.entries(HAPROXY))("%s", (_, c) => check("haproxy", c));
});

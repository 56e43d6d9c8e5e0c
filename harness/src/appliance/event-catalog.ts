/**
 * The event catalog: every log event the gateway stand-in writes, with its code, category,
 * level and text. The engine matches on `code` (and the public texts, for real appliance logs).
 *
 * Codes follow the layout of IBM's ertool (DOMAIN.md §2): class (11 bits) << 20 |
 * severity (4 bits) << 16 | number, with the top bit set for "log message" codes.
 * - `public: true` events carry the code and wording seen in public appliance logs.
 * - Events that have a public wording but no known code, and events with no public wording
 *   at all (refused, unreachable, connect timed out, DNS and TLS steps), use our own class
 *   0x0b5 ("backside"): `0x8b5<severity><number:4 hex>`, so 0x8b530010 is an error (3) and
 *   0x8b570100 a debug (7) line. Nothing of IBM's uses class 0x0b5 as far as is known;
 *   a real log is told apart by those codes alone.
 * Texts are templates: `{name}` is replaced by the parameter of that name.
 */
import type { LogLevel } from "./types.js";

export interface EventDef {
  code: string;
  category: string;
  level: LogLevel;
  text: string;
  /** Code and wording both seen in public appliance logs. */
  public: boolean;
  /** What it tells a diagnosis. */
  meaning: string;
}

const OWN_CLASS = 0x0b5;
const SEVERITY: Record<LogLevel, number> = {
  emerg: 0,
  alert: 1,
  critic: 2,
  error: 3,
  warn: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/** Our own code for a level and number: top bit, class 0x0b5, the level's severity. */
export function ownCode(level: LogLevel, num: number): string {
  const v = (0x80000000 | (OWN_CLASS << 20) | (SEVERITY[level] << 16) | (num & 0xffff)) >>> 0;
  return "0x" + v.toString(16).padStart(8, "0");
}

function own(num: number, category: string, level: LogLevel, text: string, meaning: string): EventDef {
  return { code: ownCode(level, num), category, level, text, public: false, meaning };
}

function pub(code: string, category: string, level: LogLevel, text: string, meaning: string): EventDef {
  return { code, category, level, text, public: true, meaning };
}

export const EVENTS = {
  // ---- public codes and texts (DOMAIN.md §2) ----
  backsideFailed: pub(
    "0x01130006",
    "mpgw",
    "error",
    "Failed to establish a backside connection",
    "the gateway could not reach its backend (any cause)",
  ),
  backsideInvalid: pub(
    "0x80e00126",
    "mpgw",
    "error",
    "Valid backside connection could not be established: Failed to establish a backside connection, url: {url}",
    "name resolved, but the TCP connect failed or timed out",
  ),
  backNetworkError: pub(
    "0x80e00127",
    "mpgw",
    "error",
    "Network Error on Back interface",
    "TLS handshake as a client failed (repeats per attempt)",
  ),
  backendFailedXmlfw: pub(
    "0x01130007",
    "xmlfirewall",
    "error",
    "Failed to establish backend connection",
    "the XML firewall's form of backsideFailed",
  ),
  urlOpenFailed: pub(
    "0x80e0003e",
    "network",
    "error",
    "url-open: Cannot create connection to '{url}'",
    "a url-open (not the service's backend) could not connect",
  ),
  sslLibraryError: pub(
    "0x8120002f",
    "ssl",
    "error",
    "SSL library error: {detail}",
    "the TLS library failed: unknown ca, protocol version, no shared cipher...",
  ),
  operStateUp: pub("0x00350014", "mgmt", "notice", "Operational state up", "the service started"),

  // ---- public texts, no known public code ----
  backsideHeaderFailed: own(
    0x0001,
    "mpgw",
    "error",
    "Backside header ('N/A') failed to parse due to: Failed to establish a backside connection",
    "connected, but no response headers before back-timeout (backend hung or overloaded)",
  ),
  connectServerFailed: own(
    0x0002,
    "mpgw",
    "error",
    "Failed to establish a connection to the server, URL: {url}",
    "usually DNS: no address to connect to",
  ),
  dnsCallbackFailed: own(
    0x0003,
    "dns",
    "error",
    "DNS Callback cannot resolve host '{host}': returning error",
    "resolution of the backend's name failed",
  ),
  backendAnswerRejected: own(
    0x0005,
    "mpgw",
    "error",
    "Backside response rejected: {reason}",
    "the backend answered (a status, a header, a redirect) and the gateway failed on the answer, not the connection",
  ),
  connectionError: own(
    0x0004,
    "network",
    "error",
    "Connection error({errno}) at '{url}'",
    "the connection failed with an errno",
  ),

  // ---- our own: connect outcomes at error level ----
  connectRefused: own(
    0x0010,
    "network",
    "error",
    "Connection refused by {address}:{port} (ECONNREFUSED)",
    "RST or ICMP port unreachable answered the SYN",
  ),
  hostUnreachable: own(
    0x0011,
    "network",
    "error",
    "Host unreachable: {address}:{port} ({errno})",
    "ICMP host unreachable/prohibited, or ARP failed on the last hop",
  ),
  netUnreachable: own(
    0x0012,
    "network",
    "error",
    "Network unreachable: {address}:{port} ({errno})",
    "no route, or ICMP net unreachable",
  ),
  connectTimedOut: own(
    0x0013,
    "network",
    "error",
    "Connect to {address}:{port} timed out after {ms} ms ({errno})",
    "SYNs got no answer before the connect timeout",
  ),
  connectionReset: own(
    0x0014,
    "network",
    "error",
    "Connection reset by {address}:{port} (ECONNRESET) after {sent} bytes sent, {received} received",
    "backend aborted the connection",
  ),
  backendClosed: own(
    0x0015,
    "network",
    "error",
    "Backend {address}:{port} closed the connection before responding ({sent} bytes sent)",
    "FIN from the backend, no response",
  ),
  backendNoResponse: own(
    0x0016,
    "mpgw",
    "error",
    "No response from {address}:{port} within back-timeout {seconds} s",
    "connected and sent, the backend stayed silent",
  ),
  dnsResolveFailed: own(
    0x0017,
    "dns",
    "error",
    "Cannot resolve host '{host}': {reason}",
    "NXDOMAIN, SERVFAIL, REFUSED, NODATA, no server answered or none configured",
  ),
  tlsHandshakeFailed: own(
    0x0018,
    "ssl",
    "error",
    "TLS handshake with {address}:{port} failed: {reason}",
    "certificate, alert or early close during the handshake",
  ),
  tlsAlert: own(
    0x0019,
    "ssl",
    "error",
    "TLS alert {direction}: {alert} ({alertNumber})",
    "an alert was sent or received during the handshake",
  ),
  tlsVerifyFailed: own(
    0x001a,
    "ssl",
    "error",
    "Certificate verification failed for {host}: {reason}",
    "the backend's certificate was not trusted",
  ),

  // ---- our own: notice / info ----
  requestReceived: own(
    0x0020,
    "http",
    "info",
    "Received {method} {path} from {client}",
    "a front-side request arrived",
  ),
  responseSent: own(
    0x0021,
    "http",
    "info",
    "Sent {status} to {client} after {ms} ms",
    "the front-side answer",
  ),
  errorResponseSent: own(
    0x0022,
    "mpgw",
    "warn",
    "Returned HTTP {status} to {client}: {reason}",
    "the front side got the appliance's error answer",
  ),
  logLevelChanged: own(
    0x0023,
    "mgmt",
    "notice",
    "Log target level changed to {level}",
    "a management action",
  ),
  errorReportSaved: own(0x0024, "system", "notice", "Error report saved: {file}", "an error report was made"),
  captureStarted: own(
    0x0025,
    "system",
    "notice",
    "Packet capture started on {iface}: {file}",
    "a management action",
  ),
  captureStopped: own(
    0x0026,
    "system",
    "notice",
    "Packet capture stopped on {iface}: {file}",
    "a management action",
  ),
  configChanged: own(0x0027, "mgmt", "notice", "Configuration changed: {fields}", "a management action"),
  dnsCacheFlushed: own(0x0028, "dns", "notice", "DNS cache flushed ({count} entries)", "a management action"),
  dnsResolved: own(
    0x0029,
    "dns",
    "info",
    "Resolved '{host}' to {addresses} (ttl {ttl} s, {source})",
    "resolution succeeded",
  ),
  connectionTest: own(
    0x002a,
    "mgmt",
    "notice",
    "TCP connection test to {host}:{port}: {result}",
    "a management action",
  ),

  // ---- our own: debug ----
  dnsQuerySent: own(
    0x0100,
    "dns",
    "debug",
    "DNS query id {id} {qtype} {name} to {server}:{port}/{transport} (attempt {attempt})",
    "a query left",
  ),
  dnsAnswer: own(
    0x0101,
    "dns",
    "debug",
    "DNS answer id {id} {qtype} {name} from {server}:{port}/{transport}: rcode {rcode} answers [{answers}] ttl {ttl} in {ms} ms",
    "a reply arrived",
  ),
  dnsQueryTimedOut: own(
    0x0102,
    "dns",
    "debug",
    "DNS query id {id} {qtype} {name} to {server}:{port} timed out after {ms} ms",
    "no reply from that server",
  ),
  dnsTruncated: own(
    0x0103,
    "dns",
    "debug",
    "DNS answer id {id} {qtype} {name} from {server} truncated, retrying over TCP",
    "TC bit set",
  ),
  dnsCacheHit: own(
    0x0104,
    "dns",
    "debug",
    "DNS cache hit '{host}': {addresses} (ttl {ttl} s left)",
    "no query was sent",
  ),
  dnsStaticHost: own(0x0105, "dns", "debug", "Static host '{host}': {address}", "no query was sent"),
  dnsServerError: own(
    0x0106,
    "dns",
    "debug",
    "DNS query id {id} {qtype} {name} to {server}:{port}/{transport} failed: {errno}",
    "a socket error (ICMP unreachable...)",
  ),
  connectAttempt: own(
    0x0110,
    "network",
    "debug",
    "Connecting to {address}:{port} for '{host}' (timeout {ms} ms)",
    "a SYN is about to leave",
  ),
  connectSucceeded: own(
    0x0111,
    "network",
    "debug",
    "Connected to {address}:{port} from {local} in {ms} ms",
    "the handshake completed",
  ),
  connectFailed: own(
    0x0112,
    "network",
    "debug",
    "Connect to {address}:{port} failed: {errno} after {ms} ms",
    "the connect outcome with errno",
  ),
  persistentReused: own(
    0x0113,
    "network",
    "debug",
    "Reusing persistent connection {local} -> {address}:{port}",
    "no new handshake",
  ),
  persistentClosed: own(
    0x0114,
    "network",
    "debug",
    "Persistent connection {local} -> {address}:{port} closed: {reason}",
    "idle timeout or peer close",
  ),
  bytesSent: own(
    0x0120,
    "network",
    "debug",
    "Sent {bytes} bytes to {address}:{port}",
    "request bytes written",
  ),
  bytesReceived: own(
    0x0121,
    "network",
    "debug",
    "Received {bytes} bytes from {address}:{port}",
    "response bytes read",
  ),
  timeoutFired: own(
    0x0122,
    "network",
    "debug",
    "{timer} fired after {ms} ms for {address}:{port}",
    "one of the gateway's timers expired",
  ),
  tlsHandshakeStart: own(
    0x0130,
    "ssl",
    "debug",
    "TLS handshake started with {address}:{port} (servername {servername}, verify {verify})",
    "ClientHello about to leave",
  ),
  tlsHandshakeDone: own(
    0x0131,
    "ssl",
    "debug",
    "TLS handshake completed with {address}:{port}: {protocol} {cipher}, peer '{subject}'",
    "TLS is up",
  ),
  tlsCertificate: own(
    0x0132,
    "ssl",
    "debug",
    "Peer certificate subject '{subject}' issuer '{issuer}' valid {validFrom} to {validTo}",
    "what the backend presented",
  ),
} as const satisfies Record<string, EventDef>;

export type EventName = keyof typeof EVENTS;

const BY_CODE = new Map<string, EventName>(Object.entries(EVENTS).map(([k, v]) => [v.code, k as EventName]));

const TEMPLATE_PARAM = /\{(\w+)\}/g;
const EVENT_CODE = /^0x[0-9a-f]{8}$/i;

/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const CATALOG_PATTERNS: Record<string, RegExp> = { TEMPLATE_PARAM, EVENT_CODE };

/** The catalog entry for a code (`0x01130006`), if it is one of ours or a known public one. */
export function eventByCode(code: string): { name: EventName; def: EventDef } | undefined {
  const name = BY_CODE.get(code.toLowerCase());
  return name === undefined ? undefined : { name, def: EVENTS[name] };
}

/** Fill a template; a missing parameter is shown as `?` rather than failing a log write. */
export function renderText(text: string, params: Record<string, string | number | undefined> = {}): string {
  return text.replace(TEMPLATE_PARAM, (_, k: string) => {
    const v = params[k];
    return v === undefined ? "?" : String(v);
  });
}

/** Split a result code into its fields (DOMAIN.md §2). */
export function decodeCode(
  code: string,
): { logMessage: boolean; eventClass: number; severity: number; num: number } | undefined {
  if (!EVENT_CODE.test(code)) return undefined;
  const v = parseInt(code.slice(2), 16);
  return {
    logMessage: v >= 0x80000000,
    eventClass: (v >>> 20) & 0x7ff,
    severity: (v >>> 16) & 0xf,
    num: v & 0xffff,
  };
}

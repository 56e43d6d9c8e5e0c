/**
 * Opening a backend connection the way the appliance does, with every step in the log:
 * resolve (resolver.ts), connect to each address in turn within the connect budget, then TLS
 * when the backend URL is https. Failures come back as BackendFailure with a `kind` that says
 * which step broke and the errno, so the service can log the right catalog events.
 */
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { GatewayLogger, LogContext } from "./gateway-logger.js";
import { ResolveError, type Resolver } from "./resolver.js";

export type FailureKind =
  | "dns"
  | "refused"
  | "host-unreachable"
  | "net-unreachable"
  | "connect-timeout"
  | "connect-error"
  | "reset"
  | "closed"
  | "no-response"
  | "tls";

export class BackendFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly info: {
      errno?: string;
      address?: string;
      port?: number;
      host?: string;
      dnsReason?: string;
      tlsCode?: string;
      sent?: number;
      received?: number;
    } = {},
  ) {
    super(message);
    this.name = "BackendFailure";
  }
}

export interface BackendTarget {
  host: string;
  port: number;
  tls: boolean;
}

export interface ConnectOptions {
  connectTimeoutMs: number;
  tls: { verify: boolean; ca: string[]; servername?: string };
}

export interface BackendConnection {
  /** What carries HTTP: the TLS socket for https, else the TCP socket. */
  stream: Socket | TLSSocket;
  tcp: Socket;
  address: string;
  port: number;
  local: string;
}

/** RFC 8446 §6 / RFC 5246 §7.2 alert numbers for the names OpenSSL puts in error codes. */
const ALERTS: Record<string, number> = {
  CLOSE_NOTIFY: 0,
  UNEXPECTED_MESSAGE: 10,
  BAD_RECORD_MAC: 20,
  RECORD_OVERFLOW: 22,
  HANDSHAKE_FAILURE: 40,
  BAD_CERTIFICATE: 42,
  UNSUPPORTED_CERTIFICATE: 43,
  CERTIFICATE_REVOKED: 44,
  CERTIFICATE_EXPIRED: 45,
  CERTIFICATE_UNKNOWN: 46,
  ILLEGAL_PARAMETER: 47,
  UNKNOWN_CA: 48,
  ACCESS_DENIED: 49,
  DECODE_ERROR: 50,
  DECRYPT_ERROR: 51,
  PROTOCOL_VERSION: 70,
  INSUFFICIENT_SECURITY: 71,
  INTERNAL_ERROR: 80,
  INAPPROPRIATE_FALLBACK: 86,
  USER_CANCELLED: 90,
  MISSING_EXTENSION: 109,
  UNSUPPORTED_EXTENSION: 110,
  UNRECOGNIZED_NAME: 112,
  CERTIFICATE_REQUIRED: 116,
  NO_APPLICATION_PROTOCOL: 120,
};

/** Certificate verification errors Node reports after the handshake (X509_V_ERR_* names). */
const VERIFY_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "INVALID_CA",
  "CERT_CHAIN_TOO_LONG",
]);

/** The alert named in an OpenSSL error (`ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, `... alert number 48`). */
export function alertOf(e: NodeJS.ErrnoException): { name: string; number: number | undefined } | undefined {
  const m = /ALERT_([A-Z_]+)$/.exec(e.code ?? "");
  const n = /alert number (\d+)/.exec(e.message);
  if (!m && !n) return undefined;
  const name = m ? m[1].toLowerCase() : "unknown";
  return { name, number: n ? Number(n[1]) : m ? ALERTS[m[1]] : undefined };
}

function kindOfErrno(errno: string): FailureKind {
  if (errno === "ECONNREFUSED") return "refused";
  if (errno === "EHOSTUNREACH" || errno === "EHOSTDOWN") return "host-unreachable";
  if (errno === "ENETUNREACH" || errno === "ENETDOWN") return "net-unreachable";
  if (errno === "ETIMEDOUT") return "connect-timeout";
  if (errno === "ECONNRESET") return "reset";
  return "connect-error";
}

function tcpConnect(
  address: string,
  port: number,
  timeoutMs: number,
): Promise<{ sock: Socket; ms: number } | { errno: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const sock = netConnect({ host: address, port, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ errno: "ETIMEDOUT", ms: Date.now() - t0 });
    }, timeoutMs);
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.removeAllListeners("error");
      resolve({ sock, ms: Date.now() - t0 });
    });
    sock.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ errno: e.code ?? "EIO", ms: Date.now() - t0 });
    });
  });
}

export async function connectBackend(
  target: BackendTarget,
  resolver: Resolver,
  log: GatewayLogger,
  opts: ConnectOptions,
  ctx: LogContext,
): Promise<BackendConnection> {
  let addresses: string[];
  try {
    addresses = (await resolver.resolve(target.host, ctx)).addresses;
  } catch (e) {
    if (e instanceof ResolveError)
      throw new BackendFailure("dns", `cannot resolve ${target.host}: ${e.reason}`, {
        host: target.host,
        dnsReason: e.reason,
      });
    throw e;
  }
  let last: BackendFailure | undefined;
  for (const address of addresses) {
    log.event(
      "connectAttempt",
      { address, port: target.port, host: target.host, ms: opts.connectTimeoutMs },
      ctx,
    );
    const r = await tcpConnect(address, target.port, opts.connectTimeoutMs);
    if ("errno" in r) {
      log.event("connectFailed", { address, port: target.port, errno: r.errno, ms: r.ms }, ctx);
      if (r.errno === "ETIMEDOUT")
        log.event("timeoutFired", { timer: "connect-timeout", ms: r.ms, address, port: target.port }, ctx);
      last = new BackendFailure(
        kindOfErrno(r.errno),
        `connect to ${address}:${target.port} failed: ${r.errno}`,
        { errno: r.errno, address, port: target.port, host: target.host },
      );
      continue;
    }
    const local = `${r.sock.localAddress}:${r.sock.localPort}`;
    log.event("connectSucceeded", { address, port: target.port, local, ms: r.ms }, ctx);
    if (!target.tls) return { stream: r.sock, tcp: r.sock, address, port: target.port, local };
    const stream = await tlsHandshake(r.sock, target, address, log, opts, ctx);
    return { stream, tcp: r.sock, address, port: target.port, local };
  }
  throw (
    last ??
    new BackendFailure("dns", `no address for ${target.host}`, { host: target.host, dnsReason: "NODATA" })
  );
}

function tlsHandshake(
  tcp: Socket,
  target: BackendTarget,
  address: string,
  log: GatewayLogger,
  opts: ConnectOptions,
  ctx: LogContext,
): Promise<TLSSocket> {
  const servername = opts.tls.servername ?? (isIP(target.host) ? undefined : target.host);
  log.event(
    "tlsHandshakeStart",
    { address, port: target.port, servername: servername ?? "none", verify: opts.tls.verify ? "on" : "off" },
    ctx,
  );
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket: tcp,
      servername,
      ca: opts.tls.ca.length ? opts.tls.ca : undefined,
      rejectUnauthorized: opts.tls.verify,
    });
    // Bounded like the connect: a server that accepts TCP and never speaks TLS must not hang us.
    const timer = setTimeout(() => {
      log.event(
        "timeoutFired",
        { timer: "tls-handshake", ms: opts.connectTimeoutMs, address, port: target.port },
        ctx,
      );
      s.destroy();
      reject(
        new BackendFailure("tls", "TLS handshake timed out", {
          errno: "ETIMEDOUT",
          address,
          port: target.port,
          host: target.host,
          tlsCode: "ETIMEDOUT",
        }),
      );
    }, opts.connectTimeoutMs);
    s.once("secureConnect", () => {
      clearTimeout(timer);
      s.removeAllListeners("error");
      const cert = s.getPeerCertificate();
      const cn = (x: unknown) => String(((x ?? {}) as Record<string, unknown>).CN ?? "");
      const subject = cn(cert?.subject);
      if (cert && cert.subject) {
        log.event(
          "tlsCertificate",
          { subject, issuer: cn(cert.issuer), validFrom: cert.valid_from, validTo: cert.valid_to },
          ctx,
        );
      }
      log.event(
        "tlsHandshakeDone",
        {
          address,
          port: target.port,
          protocol: s.getProtocol() ?? "?",
          cipher: s.getCipher()?.name ?? "?",
          subject,
        },
        ctx,
      );
      resolve(s);
    });
    s.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      reject(tlsFailure(e, log, ctx, { host: target.host, servername, address, port: target.port }));
    });
  });
}

/** True for errors raised by the TLS layer (OpenSSL codes and certificate checks). */
export function isTlsError(e: NodeJS.ErrnoException): boolean {
  const code = e.code ?? "";
  return code.startsWith("ERR_SSL") || VERIFY_CODES.has(code);
}

/**
 * Logs a TLS error the way the appliance's ssl category would (alert, verification or library
 * error, then the handshake failure) and returns the failure. Also used for alerts that arrive
 * after the client's side of a TLS 1.3 handshake finished (certificate_required).
 */
export function tlsFailure(
  e: NodeJS.ErrnoException,
  log: GatewayLogger,
  ctx: LogContext,
  at: { host: string; servername?: string; address: string; port: number },
): BackendFailure {
  const code = e.code ?? "EIO";
  const alert = alertOf(e);
  if (alert)
    log.event(
      "tlsAlert",
      { direction: "received", alert: alert.name, alertNumber: alert.number ?? "?" },
      ctx,
    );
  if (VERIFY_CODES.has(code))
    log.event("tlsVerifyFailed", { host: at.servername ?? at.address, reason: `${code}: ${e.message}` }, ctx);
  else if (code.startsWith("ERR_SSL"))
    log.event("sslLibraryError", { detail: `${code}: ${e.message.split("\n")[0]}` }, ctx);
  log.event(
    "tlsHandshakeFailed",
    { address: at.address, port: at.port, reason: `${code}${alert ? ` (alert ${alert.name})` : ""}` },
    ctx,
  );
  return new BackendFailure("tls", `TLS handshake failed: ${code}`, {
    errno: code,
    address: at.address,
    port: at.port,
    host: at.host,
    tlsCode: code,
  });
}

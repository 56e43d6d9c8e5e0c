/**
 * The Multi-Protocol Gateway: an HTTP front side that forwards each request to the backend URL
 * and answers like the appliance when the backend cannot be reached (HTTP 500 with a SOAP
 * fault, after the failure family of log lines). Every wait is bounded by the appliance's
 * settings: DNS (servers x attempts x timeout), connect timeout, back-timeout (idle within a
 * transaction), back-persistent-timeout (idle pooled connections).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  type ClientRequestArgs,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { connectTimeoutMs, type GatewayConfig } from "./config.js";
import {
  BackendFailure,
  connectBackend,
  isTlsError,
  tlsFailure,
  type BackendTarget,
} from "./backend-connector.js";
import { BackendPool } from "./backend-pool.js";
import { logFailureFamily } from "./failure-family.js";
import type { GatewayLogger, LogContext } from "./gateway-logger.js";
import type { Resolver } from "./resolver.js";

export interface FailureRecord {
  tid: number;
  time: number;
  kind: BackendFailure["kind"];
  message: string;
  info: BackendFailure["info"];
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  "content-length",
]);
const MAX_RESPONSE = 64 * 1024 * 1024;

export const FAULT_BODY =
  '<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><env:Fault>' +
  "<faultcode>env:Client</faultcode><faultstring>Internal Error (from client)</faultstring></env:Fault></env:Body></env:Envelope>\n";

type CtxOptions = ClientRequestArgs & { backsideCtx?: LogContext };

export class MpgwService {
  private server?: Server;
  private agent?: BackendPool;
  private tid = 1000;
  lastError = "";
  failures = 0;
  requests = 0;

  constructor(
    private config: () => GatewayConfig,
    private log: GatewayLogger,
    private resolver: Resolver,
    private onFailure: (f: FailureRecord) => void,
  ) {}

  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async start(): Promise<AddressInfo> {
    const c = this.config().service;
    const server = createServer((req, res) => void this.handle(req, res));
    // front-timeout: idle within a transaction; front-persistent-timeout: idle between requests.
    server.requestTimeout = Math.round(c.frontTimeout * 1000);
    server.headersTimeout = Math.min(60_000, Math.round(c.frontTimeout * 1000));
    server.keepAliveTimeout = Math.round(c.frontPersistentTimeout * 1000);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(c.frontPort, c.frontAddress, () => resolve());
    });
    this.log.event("operStateUp", {});
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    this.agent?.destroy();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Drop pooled backend connections (after a config change). */
  resetPool(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private getAgent(): BackendPool {
    if (this.agent) return this.agent;
    const cfg = this.config();
    const agent = new BackendPool({
      persistent: cfg.service.persistentConnections,
      idleTimeoutMs: Math.round(cfg.service.backPersistentTimeout * 1000),
    });
    const connect = (options: CtxOptions, cb: (err: Error | null, s: Duplex) => void) => {
      const ctx = options.backsideCtx ?? {};
      const target = this.target();
      connectBackend(
        target,
        this.resolver,
        this.log,
        { connectTimeoutMs: connectTimeoutMs(this.config()), tls: this.tlsOptions() },
        ctx,
      ).then(
        (conn) => {
          conn.stream.once("close", () =>
            this.log.event(
              "persistentClosed",
              { local: conn.local, address: conn.address, port: conn.port, reason: "closed" },
              ctx,
            ),
          );
          cb(null, conn.stream);
        },
        (e: unknown) => cb(e as Error, undefined as unknown as Duplex),
      );
      return undefined;
    };
    (agent as unknown as { createConnection: typeof connect }).createConnection = connect;
    this.agent = agent;
    return agent;
  }

  private tlsOptions() {
    const t = this.config().tls;
    return { verify: t.verify, ca: t.caPem, servername: t.servername };
  }

  target(): BackendTarget {
    const u = new URL(this.config().service.backendUrl);
    const tls = u.protocol === "https:";
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: u.port ? Number(u.port) : tls ? 443 : 80, tls };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = Date.now();
    const tid = ++this.tid;
    this.requests++;
    const client = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    const ctx: LogContext = { tid, clientIp: client, txnType: "request" };
    this.log.event("requestReceived", { method: req.method, path: req.url, client }, ctx);
    const cfg = this.config();
    let body: Buffer;
    try {
      body = await readBody(req, cfg.service.maxRequestBytes);
    } catch {
      res.writeHead(413, { connection: "close" }).end();
      return;
    }
    const url = new URL(cfg.service.backendUrl);
    const path = joinPath(url.pathname, req.url ?? "/");
    const urlText = `${url.protocol}//${url.host}${path}`;
    try {
      const r = await this.forward(req, body, path, ctx, true);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(r.headers))
        if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      res.writeHead(r.status, headers).end(r.body);
      this.log.event(
        "responseSent",
        { status: r.status, client, ms: Date.now() - t0 },
        { ...ctx, txnType: "response" },
      );
    } catch (e) {
      const f =
        e instanceof BackendFailure
          ? e
          : new BackendFailure("connect-error", (e as Error).message, {
              errno: (e as NodeJS.ErrnoException).code,
            });
      logFailureFamily(this.log, f, { ...ctx, txnType: "error" }, urlText, this.config());
      this.failures++;
      this.lastError = `Failed to establish a backside connection: ${f.message}`;
      if (!res.headersSent) {
        res
          .writeHead(500, {
            "content-type": "text/xml",
            connection: "close",
            "x-backside-tid": String(tid),
            "x-backside-failure": f.kind,
          })
          .end(FAULT_BODY);
      } else res.destroy();
      this.log.event(
        "errorResponseSent",
        { status: 500, client, reason: f.kind },
        { ...ctx, txnType: "error" },
      );
      this.onFailure({ tid, time: Date.now(), kind: f.kind, message: f.message, info: f.info });
    }
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    path: string,
    ctx: LogContext,
    mayRetry: boolean,
  ): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> {
    const cfg = this.config();
    const target = this.target();
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers.host = target.port === (target.tls ? 443 : 80) ? target.host : `${target.host}:${target.port}`;
    headers["content-length"] = String(body.length);
    if (!cfg.service.persistentConnections) headers.connection = "close";
    const backTimeoutMs = Math.round(cfg.service.backTimeout * 1000);
    return new Promise((resolveOnce, rejectOnce) => {
      // Settles once: the request, the response and the timers can each report the same end.
      let settled = false;
      const resolve = (v: { status: number; headers: IncomingMessage["headers"]; body: Buffer }) =>
        settled ? undefined : ((settled = true), resolveOnce(v));
      const reject = (e: unknown) => (settled ? undefined : ((settled = true), rejectOnce(e)));
      let sock: Socket | undefined;
      // Kept from the start: a destroyed socket no longer knows its local address.
      let local = "";
      let sent0 = 0;
      let recv0 = 0;
      let fin = false;
      const opts: CtxOptions = {
        agent: this.getAgent(),
        host: target.host,
        port: target.port,
        method: req.method,
        path,
        headers,
        backsideCtx: ctx,
      };
      const out = httpRequest(opts);
      const where = () => ({
        address: sock?.remoteAddress ?? target.host,
        port: sock?.remotePort ?? target.port,
      });
      const bytes = () => ({
        sent: (sock?.bytesWritten ?? 0) - sent0,
        received: (sock?.bytesRead ?? 0) - recv0,
      });
      out.on("socket", (s: Socket) => {
        sock = s;
        local = `${s.localAddress}:${s.localPort}`;
        sent0 = s.bytesWritten ?? 0;
        recv0 = s.bytesRead ?? 0;
        if (out.reusedSocket) this.log.event("persistentReused", { local, ...where() }, ctx);
        const onEnd = () => (fin = true);
        s.once("end", onEnd);
        out.once("close", () => s.off("end", onEnd));
      });
      out.setTimeout(backTimeoutMs, () => {
        this.log.event("timeoutFired", { timer: "back-timeout", ms: backTimeoutMs, ...where() }, ctx);
        out.destroy(
          new BackendFailure("no-response", `no response within back-timeout ${cfg.service.backTimeout} s`, {
            ...where(),
          }),
        );
      });
      out.on("error", (e: NodeJS.ErrnoException) => {
        if (e instanceof BackendFailure) {
          if (e.kind === "no-response") this.logBytes(bytes(), where(), ctx);
          return reject(e);
        }
        const b = bytes();
        this.logBytes(b, where(), ctx);
        // TLS 1.3: the server checks the client's certificate after the client considers the
        // handshake done, so its alert (certificate_required...) arrives here.
        if (isTlsError(e)) return reject(tlsFailure(e, this.log, ctx, { host: target.host, ...where() }));
        if (out.reusedSocket && b.received === 0) {
          this.log.event("persistentClosed", { local, ...where(), reason: e.code ?? e.message }, ctx);
          // A pooled connection whose FIN raced the request: the backend closed it while idle
          // and never saw the request, so retry once on a new one. An RST is different: the
          // backend's kernel no longer knows the connection (the host restarted, its FIN lost
          // on the way); the appliance fails the transaction and logs the reset.
          if (mayRetry && e.code !== "ECONNRESET")
            return this.forward(req, body, path, ctx, false).then(resolve, reject);
        }
        const closed = fin || e.message === "socket hang up";
        const kind = closed ? "closed" : e.code === "ECONNRESET" ? "reset" : "connect-error";
        reject(
          new BackendFailure(
            kind,
            `${closed ? "backend closed the connection" : (e.code ?? e.message)} after ${b.sent} bytes sent, ${b.received} received`,
            { errno: e.code, ...where(), ...b },
          ),
        );
      });
      out.on("response", (r) => {
        const chunks: Buffer[] = [];
        let n = 0;
        r.on("data", (d: Buffer) => {
          n += d.length;
          if (n > MAX_RESPONSE)
            return out.destroy(new BackendFailure("reset", "response too large", where()));
          chunks.push(d);
        });
        r.on("end", () => {
          this.logBytes(bytes(), where(), ctx);
          resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(chunks) });
        });
        // A response cut off mid-body (RST, FIN, or back-timeout while streaming) fails the
        // transaction too; without this the front side would wait for its own timeout.
        r.on("error", (e: NodeJS.ErrnoException) => {
          this.logBytes(bytes(), where(), ctx);
          reject(
            e instanceof BackendFailure
              ? e
              : new BackendFailure(fin ? "closed" : "reset", `response cut off: ${e.code ?? e.message}`, {
                  errno: e.code,
                  ...where(),
                  ...bytes(),
                }),
          );
        });
        r.on("close", () => {
          if (!r.complete)
            reject(
              new BackendFailure(fin ? "closed" : "reset", "response cut off before its end", {
                ...where(),
                ...bytes(),
              }),
            );
        });
      });
      out.end(body);
    });
  }

  private logBytes(
    b: { sent: number; received: number },
    w: { address: string; port: number },
    ctx: LogContext,
  ): void {
    this.log.event("bytesSent", { bytes: b.sent, ...w }, ctx);
    this.log.event("bytesReceived", { bytes: b.received, ...w }, ctx);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on("data", (d: Buffer) => {
      n += d.length;
      if (n > max) {
        req.destroy();
        reject(new Error("request too large"));
      } else chunks.push(d);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function joinPath(base: string, reqUrl: string): string {
  const b = base.endsWith("/") ? base.slice(0, -1) : base;
  return b + (reqUrl.startsWith("/") ? reqUrl : "/" + reqUrl);
}

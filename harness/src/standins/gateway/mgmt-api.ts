/**
 * The management REST API (port 5554, like the appliance's REST management interface).
 * Endpoints are listed in images/gateway/README.md; every answer is JSON except the log
 * (text), the error report (text) and the capture (pcap). Request bodies are bounded.
 */
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { isBacksideError } from "../../errors.js";
import { LOG_LEVELS } from "../../appliance/types.js";
import type { StartedGateway } from "./gateway.js";
import { dnsConfigOf } from "./report-collector.js";
import { readNetwork } from "./system-state.js";
import { lookupName, ping, readArp } from "./troubleshooting.js";
import { ResolveError } from "./resolver.js";

export interface MgmtApi {
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const BODY_TIMEOUT_MS = 10_000;

const LevelBody = z.strictObject({ level: z.enum(LOG_LEVELS) });
const CaptureBody = z.strictObject({
  interface: z.string().default("any"),
  filter: z.string().max(1000).optional(),
  durationSeconds: z.number().positive().max(86400).default(60),
  maxKB: z.number().int().min(10).max(500_000).default(10_000),
});
const ConnTestBody = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  timeoutSeconds: z.number().positive().max(300).default(5),
});

const PingBody = z.strictObject({
  host: z.string().min(1).max(253),
  count: z.number().int().min(1).max(6).default(6),
});
const LookupBody = z.strictObject({ name: z.string().min(1).max(253) });

const ENDPOINTS = [
  "GET /mgmt/status",
  "GET|PUT /mgmt/log-level",
  "GET /mgmt/log",
  "GET|POST /mgmt/error-report",
  "POST /mgmt/actionqueue/default {ErrorReport|TCPConnectionTest|FlushDNSCache}",
  "GET|POST|DELETE /mgmt/capture, POST /mgmt/capture/stop, GET /mgmt/capture/pcap",
  "GET|DELETE /mgmt/dns-cache",
  "GET /mgmt/tcp-table",
  "POST /mgmt/tcp-connection-test",
  "GET|PATCH /mgmt/config",
  "GET /mgmt/dns, GET /mgmt/routes, GET /mgmt/arp",
  "POST /mgmt/ping {host,count}, POST /mgmt/nslookup {name}",
];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const timer = setTimeout(
      () => reject(new HttpError(408, "request body not received in time")),
      BODY_TIMEOUT_MS,
    );
    req.on("data", (d: Buffer) => {
      n += d.length;
      if (n > MAX_BODY) {
        clearTimeout(timer);
        reject(new HttpError(413, "request body too large"));
        req.destroy();
      } else chunks.push(d);
    });
    req.on("end", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8").trim();
      if (text === "") return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, "body is not JSON"));
      }
    });
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new HttpError(
    400,
    r.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "),
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body, null, 2) + "\n");
}

export async function startMgmtApi(gw: StartedGateway, address: string, port: number): Promise<MgmtApi> {
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://mgmt");
    const m = req.method ?? "GET";
    const p = url.pathname.replace(/\/+$/, "");
    const key = `${m} ${p}`;
    switch (key) {
      case "GET ":
      case "GET /mgmt":
        return json(res, 200, { service: gw.status().service, endpoints: ENDPOINTS });
      case "GET /mgmt/status":
        return json(res, 200, gw.status());
      case "GET /mgmt/log-level":
        return json(res, 200, { level: gw.log.level });
      case "PUT /mgmt/log-level":
      case "POST /mgmt/log-level": {
        const b = parse(LevelBody, await readJson(req));
        gw.setLogLevel(b.level);
        return json(res, 200, { level: gw.log.level });
      }
      case "GET /mgmt/log":
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(gw.logText());
        return;
      case "POST /mgmt/error-report": {
        const r = await gw.makeErrorReport();
        return json(res, 200, { file: r.file ?? null, bytes: Buffer.byteLength(r.text) });
      }
      case "GET /mgmt/error-report": {
        const text = gw.lastErrorReport() ?? (await gw.makeErrorReport()).text;
        res
          .writeHead(200, {
            "content-type": "text/plain; charset=utf-8",
            "content-disposition": "attachment; filename=error-report.txt",
          })
          .end(text);
        return;
      }
      case "POST /mgmt/actionqueue/default":
        return json(res, 200, await action(gw, await readJson(req)));
      case "GET /mgmt/capture":
        return json(res, 200, gw.capture.current());
      case "POST /mgmt/capture": {
        const b = parse(CaptureBody, await readJson(req));
        if (gw.capture.current().running) throw new HttpError(409, "a packet capture is already running");
        return json(res, 200, await gw.capture.start(b));
      }
      case "POST /mgmt/capture/stop":
      case "DELETE /mgmt/capture":
        return json(res, 200, await gw.capture.stop());
      case "GET /mgmt/capture/pcap": {
        const s = gw.capture.current();
        if (!s.file) throw new HttpError(404, "no capture has been made");
        res.writeHead(200, { "content-type": "application/vnd.tcpdump.pcap" });
        createReadStream(s.file)
          .on("error", () => res.destroy())
          .pipe(res);
        return;
      }
      case "GET /mgmt/dns-cache":
        return json(res, 200, { entries: gw.dnsCache() });
      case "DELETE /mgmt/dns-cache":
      case "POST /mgmt/dns-cache/flush":
        return json(res, 200, { flushed: gw.flushDnsCache() });
      case "GET /mgmt/tcp-table":
        return json(res, 200, { entries: await gw.tcpTable() });
      case "POST /mgmt/tcp-connection-test": {
        const b = parse(ConnTestBody, await readJson(req));
        return json(res, 200, await gw.connectionTest(b.host, b.port, b.timeoutSeconds));
      }
      case "GET /mgmt/dns": {
        const d = dnsConfigOf(gw.config());
        return json(res, 200, { ...d, serverStatus: gw.resolver.serverStatus() });
      }
      case "GET /mgmt/routes": {
        const n = await readNetwork();
        return json(res, 200, { routes: n.routes, interfaces: n.interfaces, notes: n.notes });
      }
      case "GET /mgmt/arp":
        return json(res, 200, { entries: await readArp() });
      case "POST /mgmt/ping": {
        const b = parse(PingBody, await readJson(req));
        return json(res, 200, await pingHost(gw, b.host, b.count));
      }
      case "POST /mgmt/nslookup": {
        const b = parse(LookupBody, await readJson(req));
        return json(res, 200, await lookupName(b.name, dnsConfigOf(gw.config())));
      }
      case "GET /mgmt/config":
        return json(res, 200, gw.config());
      case "PUT /mgmt/config":
      case "PATCH /mgmt/config": {
        const b = await readJson(req);
        if (!b || typeof b !== "object" || Array.isArray(b))
          throw new HttpError(400, "body must be a JSON object");
        return json(res, 200, gw.updateConfig(b as Record<string, unknown>));
      }
      default:
        throw new HttpError(404, `no endpoint ${key}`);
    }
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) return json(res, e.status, { error: e.status, message: e.message });
      if (isBacksideError(e))
        return json(res, e.code === "INVALID_INPUT" ? 400 : 500, { error: e.code, message: e.message });
      json(res, 500, { error: "INTERNAL", message: (e as Error).message });
    });
  });
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Ping Remote resolves the host the way the service does (cache included), then pings. */
async function pingHost(gw: StartedGateway, host: string, count: number) {
  try {
    const r = await gw.resolver.resolve(host, { objectType: "mgmt", objectName: "default" });
    return await ping(host, r.addresses[0], count);
  } catch (e) {
    if (e instanceof ResolveError)
      return { host, transmitted: 0, received: 0, lines: [], error: `cannot resolve: ${e.reason}` };
    throw e;
  }
}

/** The appliance's action queue: `{"ErrorReport":{}}`, `{"TCPConnectionTest":{...}}`, `{"FlushDNSCache":{}}`. */
async function action(gw: StartedGateway, body: unknown): Promise<Record<string, unknown>> {
  if (!body || typeof body !== "object")
    throw new HttpError(400, "body must be a JSON object naming one action");
  const b = body as Record<string, Record<string, unknown>>;
  if ("ErrorReport" in b) {
    const r = await gw.makeErrorReport();
    return { ErrorReport: "Operation completed.", file: r.file ?? null };
  }
  if ("FlushDNSCache" in b) return { FlushDNSCache: "Operation completed.", flushed: gw.flushDnsCache() };
  if ("TCPConnectionTest" in b) {
    const a = b.TCPConnectionTest ?? {};
    const t = parse(ConnTestBody, {
      host: a.RemoteHost,
      port: Number(a.RemotePort),
      timeoutSeconds: a.Timeout === undefined ? undefined : Number(a.Timeout),
    });
    const r = await gw.connectionTest(t.host, t.port, t.timeoutSeconds);
    return {
      TCPConnectionTest: r.success ? "Operation completed." : `TCP connection failed: ${r.errno ?? r.kind}`,
      result: r,
    };
  }
  throw new HttpError(
    400,
    `unknown action ${Object.keys(b).join(",") || "(none)"}; known: ErrorReport, TCPConnectionTest, FlushDNSCache`,
  );
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BacksideError } from "../../errors.js";

/**
 * The stand-ins' runtime control API: plain HTTP/JSON on loopback (127.0.0.1:9000 in the
 * containers). The harness calls it with `docker exec ... curl`, so control traffic never crosses
 * a captured interface.
 */
export type ControlReply = { status?: number; body: unknown };
export type ControlHandler = (req: {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}) => ControlReply | Promise<ControlReply>;
export type ControlRoute = {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  handler: ControlHandler;
};

export interface StartedControlServer extends AsyncDisposable {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

export async function startControlServer(opts: {
  host?: string;
  port?: number;
  routes: ControlRoute[];
}): Promise<StartedControlServer> {
  const server = createServer((req, res) => void dispatch(opts.routes, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(
        new BacksideError(
          "RUNTIME",
          `control API: cannot listen on ${opts.host ?? "127.0.0.1"}:${opts.port ?? 9000}`,
          { cause: e },
        ),
      ),
    );
    server.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 9000 }, resolve);
  });
  return started(server);
}

function started(server: Server): StartedControlServer {
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { address: server.address() as AddressInfo, close, [Symbol.asyncDispose]: close };
}

async function dispatch(routes: ControlRoute[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://control");
  try {
    const body = await readBody(req);
    for (const r of routes) {
      if (r.method !== req.method) continue;
      const params = matchPath(r.path, url.pathname);
      if (!params) continue;
      const reply = await r.handler({
        method: req.method,
        path: url.pathname,
        params,
        query: url.searchParams,
        body,
      });
      return send(res, reply.status ?? 200, reply.body);
    }
    send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  } catch (e) {
    const status = e instanceof BacksideError && e.code === "INVALID_INPUT" ? 400 : 500;
    send(res, status, {
      error: e instanceof Error ? e.message : String(e),
      code: e instanceof BacksideError ? e.code : "INTERNAL",
    });
  }
}

/** `/names/:name` matches `/names/api.example.`; the parameter is URI-decoded. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split("/");
  const s = path.split("/");
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return undefined;
  }
  return params;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new BacksideError("INVALID_INPUT", "control API: body over 1 MiB");
    chunks.push(c as Buffer);
  }
  if (!size) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BacksideError("INVALID_INPUT", "control API: body is not JSON");
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body) + "\n");
}

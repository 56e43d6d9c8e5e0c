/**
 * Real peers on loopback for the gateway's tests: a dns2 UDP name server with per-name answers,
 * HTTP/TLS backends, a backend that accepts and never answers, a closed port, and a listener
 * whose accept queue is full (its SYNs are dropped: a real, bounded connect timeout).
 * Everything binds 127.0.0.1 on a port the kernel picks; everything has close().
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createNetServer,
  connect as netConnect,
  type AddressInfo,
  type Socket,
} from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:https";
import type { TlsOptions } from "node:tls";
import { createServer as createDnsServer, Packet } from "dns2";

export interface DnsRecord {
  a?: string[];
  aaaa?: string[];
  ttl?: number;
  /** Answer with this rcode and no records (3 = NXDOMAIN, 2 = SERVFAIL, 5 = REFUSED). */
  rcode?: number;
  /** Answer with a CNAME to this name (with its own TTL) followed by the target's addresses. */
  cname?: { target: string; ttl: number };
  /** Never answer. */
  silent?: boolean;
  /** Over UDP answer only with TC set and no records (the full answer is over TCP). */
  truncateUdp?: boolean;
}

export interface TestDns {
  port: number;
  /** The TCP listener's port (a different number from the UDP one). */
  tcpPort: number;
  queries: { name: string; type: number; transport: "udp" | "tcp" }[];
  records: Map<string, DnsRecord>;
  close(): Promise<void>;
}

export async function startTestDns(records: Record<string, DnsRecord>): Promise<TestDns> {
  const map = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: TestDns["queries"] = [];
  const server = createDnsServer({
    udp: true,
    tcp: true,
    handle: (req, send, client) => {
      const q = req.questions[0];
      // dns2 hands TCP requests the client socket and UDP ones the datagram's rinfo.
      const transport =
        typeof (client as unknown as { write?: unknown }).write === "function" ? "tcp" : "udp";
      queries.push({ name: q.name, type: q.type, transport });
      const res = Packet.createResponseFromRequest(req);
      const rec = map.get(q.name.toLowerCase());
      if (rec?.silent) return;
      if (!rec) {
        res.header.rcode = 3;
        return void send(res);
      }
      if (rec.rcode !== undefined) {
        res.header.rcode = rec.rcode;
        return void send(res);
      }
      if (rec.truncateUdp && transport === "udp") {
        res.header.tc = 1;
        return void send(res);
      }
      let owner = q.name;
      if (rec.cname) {
        res.answers.push({
          name: q.name,
          type: Packet.TYPE.CNAME,
          class: Packet.CLASS.IN,
          ttl: rec.cname.ttl,
          domain: rec.cname.target,
        } as never);
        owner = rec.cname.target;
      }
      const addrs = q.type === Packet.TYPE.A ? rec.a : q.type === Packet.TYPE.AAAA ? rec.aaaa : undefined;
      for (const address of addrs ?? [])
        res.answers.push({
          name: owner,
          type: q.type,
          class: Packet.CLASS.IN,
          ttl: rec.ttl ?? 300,
          address,
        } as never);
      send(res);
    },
  });
  const a = await server.listen({
    udp: { port: 0, address: "127.0.0.1" },
    tcp: { port: 0, address: "127.0.0.1" },
  });
  return {
    port: (a.udp as AddressInfo).port,
    tcpPort: (a.tcp as AddressInfo).port,
    queries,
    records: map,
    close: async () => void (await server.close()),
  };
}

export interface TestBackend {
  port: number;
  requests: { method?: string; url?: string; headers: IncomingMessage["headers"] }[];
  connections: number;
  close(): Promise<void>;
}

function track(
  server: ReturnType<typeof createHttpServer>,
  onReq: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestBackend> {
  const tb: TestBackend = { port: 0, requests: [], connections: 0, close: async () => undefined };
  server.on("connection", () => tb.connections++);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    tb.requests.push({ method: req.method, url: req.url, headers: req.headers });
    onReq(req, res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      tb.port = (server.address() as AddressInfo).port;
      tb.close = () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        });
      resolve(tb);
    });
  });
}

export function startHttpBackend(body = "hello from backend"): Promise<TestBackend> {
  return track(createHttpServer(), (_req, res) =>
    res.writeHead(200, { "content-type": "text/plain" }).end(body),
  );
}

/**
 * Accepts, reads the request, then: `silent` never answers (a hung or overloaded backend),
 * `close` sends FIN without a response, `reset` aborts with RST, `cut` sends headers and part
 * of the body, then FIN.
 */
export function startSilentBackend(
  mode: "silent" | "close" | "reset" | "cut" = "silent",
): Promise<{ port: number; accepted: number; close(): Promise<void> }> {
  const socks = new Set<Socket>();
  const state = { port: 0, accepted: 0, close: async () => undefined as void };
  const server = createNetServer((s) => {
    state.accepted++;
    socks.add(s);
    s.on("data", () => {
      if (mode === "close") s.end();
      else if (mode === "reset") s.resetAndDestroy();
      else if (mode === "cut") s.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    });
    s.on("error", () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      state.port = (server.address() as AddressInfo).port;
      state.close = () =>
        new Promise((r) => {
          for (const s of socks) s.destroy();
          server.close(() => r());
        });
      resolve(state);
    });
  });
}

/** A port that was just free: bound then released, so a connect to it gets RST (ECONNREFUSED). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A listener with backlog 0 that never accepts (a python3 child, since Node always accepts),
 * its queue filled by one connection: the kernel then drops new SYNs, so a connect times out.
 * Undefined when python3 is not installed.
 */
export async function startSaturatedListener(): Promise<
  { port: number; close(): Promise<void> } | undefined
> {
  const py =
    "import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)\n";
  const child = spawn("python3", ["-S", "-c", py], { stdio: ["ignore", "pipe", "ignore"] });
  const port = await new Promise<number | undefined>((resolve) => {
    const t = setTimeout(() => resolve(undefined), 5000);
    child.once("error", () => (clearTimeout(t), resolve(undefined)));
    child.stdout!.once("data", (d: Buffer) => (clearTimeout(t), resolve(Number(d.toString().trim()))));
  });
  if (!port) {
    child.kill("SIGKILL");
    return undefined;
  }
  // Linux lets backlog+1 connections complete into the queue; fill it, then more SYNs drop.
  const fillers: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const s = netConnect({ host: "127.0.0.1", port });
    s.on("error", () => undefined);
    fillers.push(s);
    await new Promise<void>((r) => {
      const t = setTimeout(r, 300);
      s.once("connect", () => (clearTimeout(t), r()));
    });
  }
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.kill("SIGKILL");
    },
  };
}

export interface TestCert {
  dir: string;
  cert: string;
  key: string;
  cleanup(): void;
}

/** A self-signed certificate for `cn` (also its SAN), made with the openssl CLI in a temp dir. */
export async function makeSelfSignedCert(cn: string): Promise<TestCert> {
  const dir = mkdtempSync(join(tmpdir(), "backside-cert-"));
  const args = [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
    "-days",
    "2",
    "-subj",
    `/CN=${cn}`,
    "-addext",
    `subjectAltName=DNS:${cn}`,
  ];
  await new Promise<void>((resolve, reject) =>
    execFile("openssl", args, { timeout: 20_000 }, (e) => (e ? reject(e) : resolve())),
  );
  return {
    dir,
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function startTlsBackend(
  cert: TestCert,
  body = "hello over tls",
  opts: TlsOptions = {},
): Promise<TestBackend> {
  const server = createTlsServer({ cert: cert.cert, key: cert.key, ...opts });
  server.on("tlsClientError", () => undefined); // expected in the failure tests
  return track(server as unknown as ReturnType<typeof createHttpServer>, (_req, res) =>
    res.writeHead(200).end(body),
  );
}

import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { BacksideError } from "../../errors.js";
import { jsonLogger, type JsonLogger } from "../control/json-log.js";
import { parseConfig } from "../control/load-config.js";
import {
  BackendConfigSchema,
  BackendModeSchema,
  BackendTlsSchema,
  type BackendConfig,
  type BackendConfigInput,
  type BackendMode,
  type BackendModeInput,
  type TlsSettings,
  type TlsSettingsInput,
} from "./config.js";
import { EventLog } from "./event-log.js";
import { startOverloadListener, type OverloadListener } from "./overload-listener.js";

type Proto = "http" | "https";

export interface BackendAddresses {
  http?: AddressInfo;
  https?: AddressInfo;
}

export interface BackendState {
  mode: BackendMode;
  listening: boolean;
  addresses: BackendAddresses;
  tls?: { label?: string; minVersion?: string; maxVersion?: string };
}

export interface StartedBackend extends AsyncDisposable {
  readonly config: BackendConfig;
  readonly events: EventLog;
  /** The ports actually bound at start (kept across not-listening/overloaded and back). */
  readonly addresses: BackendAddresses;
  state(): BackendState;
  setMode(mode: BackendModeInput): Promise<BackendMode>;
  setTls(tls: TlsSettingsInput): TlsSettings;
  close(): Promise<void>;
}

/**
 * The backend stand-in: HTTP and HTTPS listeners whose behaviour after the request (answer,
 * delay, silence, FIN, RST) and whose listening state (none, full accept queue) are switched at
 * run time. Every connection and request is an event in the log and a JSON line on stdout.
 */
export async function startBackend(
  input: BackendConfigInput | BackendConfig,
  log: JsonLogger = jsonLogger("backend"),
): Promise<StartedBackend> {
  const config = parseConfig("backend", BackendConfigSchema, input);
  if (config.https && !config.tls)
    throw new BacksideError(
      "INVALID_INPUT",
      "backend config: tls: required when https is on (or set https: false)",
    );
  const events = new EventLog(config.eventLogSize, ({ event, ...rest }) => log(event, rest));
  let mode: BackendMode = config.mode;
  let tls: TlsSettings | undefined = config.tls;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let connSeq = 0;

  const handle = (proto: Proto) => (req: IncomingMessage, res: ServerResponse) => {
    const sock = req.socket as Socket & { backsideConn?: number };
    const m = mode;
    const at = {
      proto,
      conn: sock.backsideConn,
      method: req.method,
      url: req.url,
      host: req.headers.host,
      mode: m.kind,
    };
    // Read the whole request first: each mode acts "after the request", as the taxonomy says.
    req.resume();
    req.once("end", () => {
      events.add("request", at);
      switch (m.kind) {
        case "healthy":
        case "not-listening":
        case "overloaded":
          // Connections accepted before a switch to a listener mode are still served.
          return respond(
            res,
            m.kind === "healthy" ? m.status : 200,
            m.kind === "healthy" ? m.body : "ok\n",
            at,
          );
        case "slow": {
          const t = setTimeout(() => (timers.delete(t), respond(res, m.status, m.body, at)), m.delayMs);
          timers.add(t);
          return;
        }
        case "hang":
          events.add("hang", at);
          return;
        case "close":
          events.add("fin-sent", at);
          rawSocket(sock).end();
          return;
        case "reset":
          events.add("rst-sent", at);
          // SO_LINGER 0 then close: the kernel sends RST instead of FIN (tcp_disconnect).
          rawSocket(sock).resetAndDestroy();
          return;
      }
    });
  };

  const respond = (res: ServerResponse, status: number, body: string, at: object) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "text/plain", "content-length": Buffer.byteLength(body) });
    res.end(body);
    events.add("response", { ...at, status });
  };

  const track = (proto: Proto) => (s: Socket) => {
    const conn = ++connSeq;
    (s as Socket & { backsideConn?: number }).backsideConn = conn;
    sockets.add(s);
    events.add("connection", { proto, conn, remote: `${s.remoteAddress}:${s.remotePort}` });
    s.once(
      "close",
      (hadError) => (sockets.delete(s), events.add("connection-closed", { proto, conn, hadError })),
    );
    s.on("error", (e: NodeJS.ErrnoException) => events.add("socket-error", { proto, conn, code: e.code }));
  };

  const servers: { proto: Proto; server: Server; at: { host: string; port: number } }[] = [];
  if (config.http) {
    const s = createHttp(handle("http"));
    s.on("connection", track("http"));
    servers.push({ proto: "http", server: s, at: config.http });
  }
  if (config.https && tls) {
    const s = createHttps(tlsOptions(tls), handle("https"));
    // 'connection' is the raw TCP socket, before the handshake; the TLSSocket gets the same number.
    s.on("connection", track("https"));
    s.on("secureConnection", (t: TLSSocket) => {
      const raw = rawSocket(t) as Socket & { backsideConn?: number };
      (t as TLSSocket & { backsideConn?: number }).backsideConn = raw.backsideConn;
      events.add("tls-established", {
        conn: raw.backsideConn,
        protocol: t.getProtocol(),
        cipher: t.getCipher()?.name,
        servername: (t as TLSSocket & { servername?: string }).servername,
      });
    });
    // The client's alert (unknown_ca, bad_certificate, protocol_version) arrives as a tlsClientError.
    s.on("tlsClientError", (e: NodeJS.ErrnoException, t: TLSSocket) =>
      events.add("tls-error", {
        conn: (rawSocket(t) as Socket & { backsideConn?: number }).backsideConn,
        code: e.code,
        reason: e.message,
      }),
    );
    servers.push({ proto: "https", server: s, at: config.https });
  }

  const addresses: BackendAddresses = {};
  const listenAll = async () => {
    for (const s of servers) {
      const port = addresses[s.proto]?.port ?? s.at.port;
      await new Promise<void>((resolve, reject) => {
        s.server.once("error", reject);
        s.server.listen({ host: s.at.host, port }, () => (s.server.off("error", reject), resolve()));
      });
      addresses[s.proto] = s.server.address() as AddressInfo;
    }
    events.add("listening", { ...addresses });
  };
  // Closing the listening socket only; accepted connections live on (server.close's callback
  // waits for them, so it is not awaited).
  const unlistenAll = () => {
    for (const s of servers) if (s.server.listening) s.server.close();
    events.add("not-listening", {});
  };

  let overload: OverloadListener | undefined;
  const applyListening = async (next: BackendMode) => {
    if (overload) {
      await overload.release();
      overload = undefined;
      events.add("overload-released", {});
    }
    if (next.kind === "not-listening" || next.kind === "overloaded") {
      unlistenAll();
      if (next.kind === "overloaded") {
        const listeners = servers.map((s) => ({ host: s.at.host, port: addresses[s.proto]!.port }));
        overload = await startOverloadListener({
          listeners,
          backlog: next.backlog,
          holdMaxMs: next.holdMaxMs,
        });
        events.add("overloaded", { backlog: next.backlog, listeners });
      }
    } else if (servers.some((s) => !s.server.listening)) {
      await listenAll();
    }
  };

  let switching = Promise.resolve();
  const setMode = (input: BackendModeInput): Promise<BackendMode> => {
    const next = parseConfig("backend", BackendModeSchema, input, "mode");
    // Serialised: two quick switches must not interleave listener changes.
    const p = switching.then(async () => {
      const before = mode.kind;
      mode = next;
      await applyListening(next);
      events.add("mode-changed", { from: before, to: next.kind, mode: next });
      return next;
    });
    switching = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  };

  const setTls = (input: TlsSettingsInput): TlsSettings => {
    const next = parseConfig("backend", BackendTlsSchema, input, "tls");
    const https = servers.find((s) => s.proto === "https");
    if (!https) throw new BacksideError("INVALID_INPUT", "backend: no HTTPS listener to change the TLS of");
    (https.server as unknown as { setSecureContext(o: object): void }).setSecureContext(tlsOptions(next));
    tls = next;
    events.add("tls-changed", {
      label: next.label,
      minVersion: next.minVersion,
      maxVersion: next.maxVersion,
    });
    return next;
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const t of timers) clearTimeout(t);
      await overload?.release();
      for (const s of sockets) s.destroy();
      await Promise.all(
        servers.map((s) => new Promise<void>((r) => (s.server.listening ? s.server.close(() => r()) : r()))),
      );
    })());

  try {
    await listenAll();
    if (mode.kind === "not-listening" || mode.kind === "overloaded") await applyListening(mode);
  } catch (e) {
    await close();
    throw new BacksideError("RUNTIME", `backend: cannot listen: ${(e as Error).message}`, { cause: e });
  }

  const state = (): BackendState => ({
    mode,
    listening: servers.every((s) => s.server.listening),
    addresses,
    tls: tls && { label: tls.label, minVersion: tls.minVersion, maxVersion: tls.maxVersion },
  });
  return { config, events, addresses, state, setMode, setTls, close, [Symbol.asyncDispose]: close };
}

function tlsOptions(t: TlsSettings) {
  return { cert: t.cert, key: t.key, minVersion: t.minVersion, maxVersion: t.maxVersion };
}

/** The TCP socket under an HTTPS request's TLSSocket (its `_parent`), where RST and FIN are sent. */
function rawSocket(s: Socket): Socket {
  return (s as Socket & { _parent?: Socket })._parent ?? s;
}

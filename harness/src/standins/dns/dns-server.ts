import dns2 from "dns2";
import { isIPv6, Socket, type AddressInfo } from "node:net";
import { BacksideError } from "../../errors.js";
import { jsonLogger, type JsonLogger } from "../control/json-log.js";
import { parseConfig } from "../control/load-config.js";
import { DnsConfigSchema, type DnsConfig, type DnsConfigInput } from "./config.js";
import { decideAnswer, type Transport } from "./decide-answer.js";
import { QueryLog } from "./query-log.js";
import { Zone } from "./zone.js";

const { Packet } = dns2;
type DnsPacket = InstanceType<typeof Packet>;
type Send = (p: DnsPacket) => unknown;

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([k, v]) => [v as number, k]));

export interface DnsAddresses {
  udp?: AddressInfo;
  tcp?: AddressInfo;
}

export interface DnsServer extends AsyncDisposable {
  readonly config: DnsConfig;
  readonly zone: Zone;
  readonly queries: QueryLog;
  /** Binds UDP and TCP; resolves with the bound addresses (port 0 picks a free one). */
  listen(): Promise<DnsAddresses>;
  close(): Promise<void>;
}

/**
 * The DNS stand-in: answers from a zone whose names each have a failure mode. Built on dns2's
 * UDP and TCP servers, so every answer is a real DNS message on a real socket.
 */
export function createDnsServer(
  input: DnsConfigInput | DnsConfig,
  log: JsonLogger = jsonLogger("dns"),
): DnsServer {
  const config = parseConfig("dns", DnsConfigSchema, input);
  const zone = new Zone(config.names);
  const queries = new QueryLog(config.queryLogSize);
  const timers = new Set<NodeJS.Timeout>();
  const udp = config.udp
    ? dns2.createUDPServer({ type: isIPv6(config.listen.host) ? "udp6" : "udp4" })
    : undefined;
  const tcp = config.tcp ? dns2.createTCPServer() : undefined;

  const onRequest = (transport: Transport) => (req: DnsPacket, send: Send, client: unknown) => {
    const q = req.questions[0];
    const peer =
      client instanceof Socket
        ? `${client.remoteAddress}:${client.remotePort}`
        : `${(client as AddressInfo).address}:${(client as AddressInfo).port}`;
    const base = {
      ts: new Date().toISOString(),
      transport,
      client: peer,
      id: req.header.id,
      name: q?.name ?? "",
      type: TYPE_NAMES.get(q?.type ?? -1) ?? String(q?.type),
    };
    if (!q) {
      // RFC 1035 §4.1.2 needs a question to answer; FORMERR (1) says so.
      const res = Packet.createResponseFromRequest(req);
      res.header.rcode = 1;
      void send(res);
      log("response", queries.add({ ...base, mode: "formerr", rcode: 1 }));
      return;
    }
    const d = decideAnswer(zone, config, q, transport);
    if (d.kind === "silent") {
      log("query-ignored", queries.add({ ...base, mode: d.mode }));
      return;
    }
    const res = Packet.createResponseFromRequest(req);
    res.header.aa = 1;
    res.header.ra = 1;
    res.header.rcode = d.rcode;
    res.header.tc = d.tc ? 1 : 0;
    res.answers = d.answers as unknown as DnsPacket["answers"];
    res.authorities = d.authorities as unknown as DnsPacket["authorities"];
    const rec = queries.add({
      ...base,
      mode: d.mode,
      rcode: d.rcode,
      tc: d.tc,
      answers: d.answers.map(
        (a) => `${a.name} ${a.ttl} ${TYPE_NAMES.get(a.type)} ${a.address ?? a.domain ?? ""}`,
      ),
      ...(d.delayMs ? { delayMs: d.delayMs } : {}),
    });
    const reply = () => {
      Promise.resolve(send(res)).then(
        () => log("response", rec),
        (e: unknown) => log("send-error", { seq: rec.seq, error: String(e) }),
      );
    };
    if (d.delayMs === 0) return reply();
    log("response-delayed", rec);
    const t = setTimeout(() => {
      timers.delete(t);
      reply();
    }, d.delayMs);
    timers.add(t);
  };

  // net.Server.close waits for open connections; a silent mode keeps them open, so end them.
  const sockets = new Set<Socket>();
  tcp?.on("connection", (s: Socket) => (sockets.add(s), s.once("close", () => sockets.delete(s))));
  udp?.on("request", onRequest("udp"));
  tcp?.on("request", onRequest("tcp"));
  // A malformed query is evidence, not a crash (STYLE.md 4).
  for (const s of [udp, tcp]) s?.on("requestError", (e: Error) => log("request-error", { error: e.message }));

  let listening: Promise<DnsAddresses> | undefined;
  const listen = () =>
    (listening ??= (async () => {
      const { host, port } = config.listen;
      const out: DnsAddresses = {};
      try {
        if (udp) {
          await new Promise<void>((resolve, reject) => {
            udp.once("error", reject);
            udp.bind(port, host, () => (udp.off("error", reject), resolve()));
          });
          out.udp = udp.address();
        }
        if (tcp) {
          // Same port as UDP when the caller asked for a free one, so one number serves both.
          const tcpPort = port === 0 && out.udp ? out.udp.port : port;
          await new Promise<void>((resolve, reject) => {
            tcp.once("error", reject);
            tcp.listen(tcpPort, host, () => (tcp.off("error", reject), resolve()));
          });
          out.tcp = tcp.address() as AddressInfo;
        }
      } catch (e) {
        await close();
        throw new BacksideError("RUNTIME", `dns: cannot listen on ${host}:${port}: ${(e as Error).message}`, {
          cause: e,
        });
      }
      log("listening", { ...out });
      return out;
    })());

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await Promise.all([
        udp && new Promise<void>((r) => (udpBound(udp) ? udp.close(() => r()) : r())),
        tcp && new Promise<void>((r) => (tcp.listening ? tcp.close(() => r()) : r())),
      ]);
    })());

  return { config, zone, queries, listen, close, [Symbol.asyncDispose]: close };
}

function udpBound(s: { address(): AddressInfo }): boolean {
  try {
    s.address();
    return true;
  } catch {
    return false;
  }
}

export async function startDnsServer(
  input: DnsConfigInput | DnsConfig,
  log?: JsonLogger,
): Promise<DnsServer> {
  const s = createDnsServer(input, log);
  await s.listen();
  return s;
}

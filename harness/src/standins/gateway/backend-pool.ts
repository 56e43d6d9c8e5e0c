/**
 * The backend connection pool, kept the way the appliance keeps it: an idle persistent
 * connection stays open, silent on the wire, until back-persistent-timeout.
 *
 * Node's Agent does otherwise when a socket goes back to the pool (`Agent#keepSocketAlive`,
 * lib/_http_agent.js): it turns on SO_KEEPALIVE with `keepAliveMsecs` (default 1000) as the
 * idle delay, and libuv (since 1.35, libuv/libuv#2669) sets TCP_KEEPINTVL to 1 s and TCP_KEEPCNT
 * to 10, so an idle connection whose peer went silent (a backend host restarting behind a
 * firewall that hides its FIN) is probed every second and dropped, and the next request opens a
 * fresh one. It also
 * shortens the idle time to the server's `Keep-Alive: timeout=N` hint minus one second. Both
 * would hide the stale connection the appliance reuses and gets an RST on.
 */
import { Agent } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

export interface BackendPoolOptions {
  /** Persistent connections on (HTTP/1.1 keep-alive with a pool) or one connection per request. */
  persistent: boolean;
  /** back-persistent-timeout: how long an idle pooled connection is kept. */
  idleTimeoutMs: number;
  maxSockets?: number;
}

export class BackendPool extends Agent {
  readonly idleTimeoutMs: number;

  constructor(o: BackendPoolOptions) {
    super({ keepAlive: o.persistent, timeout: o.idleTimeoutMs, maxSockets: o.maxSockets ?? 256 });
    this.idleTimeoutMs = o.idleTimeoutMs;
  }

  /** Called by the Agent when a socket is freed; `true` keeps it in the pool. */
  override keepSocketAlive(socket: Duplex): boolean {
    const s = socket as Socket;
    // The appliance sends no keepalive probes on an idle backend connection.
    s.setKeepAlive(false);
    // An idle pooled socket must not keep the process alive (the Agent does the same).
    s.unref();
    // No server hint: the idle limit is back-persistent-timeout alone. The Agent destroys a
    // pooled socket when its timeout fires.
    if (s.timeout !== this.idleTimeoutMs) s.setTimeout(this.idleTimeoutMs);
    return true;
  }
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlServer, type StartedControlServer } from "../control/control-server.js";
import { silentLogger } from "../control/json-log.js";
import { Backend } from "./backend.js";
import { backendControlRoutes } from "./backend-control.js";
import { startBackend, type StartedBackend } from "./backend-server.js";
import { probe } from "./client-probe.js";
import { readListenCounters } from "./net-counters.js";

const host = "127.0.0.1";
let backend: StartedBackend;
let control: StartedControlServer;
let port: number;

beforeAll(async () => {
  backend = await startBackend({ http: { host, port: 0 }, https: false, control: false }, silentLogger);
  port = backend.addresses.http!.port;
  control = await startControlServer({ host, port: 0, routes: backendControlRoutes(backend) });
});
afterAll(async () => {
  await control?.close();
  await backend?.close();
});

const get = (timeoutMs = 1500) => probe({ host, port, timeoutMs });

describe("backend stand-in modes on loopback sockets", () => {
  it("healthy: 200 and the body, then the server's FIN (Connection: close)", async () => {
    await backend.setMode(Backend.healthy());
    const r = await get();
    expect(r.response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(r.response).toMatch(/ok\n$/);
    expect(r.end).toBe("fin");
  });

  it("slow: the response comes after the delay", async () => {
    await backend.setMode(Backend.slow(300));
    const r = await get();
    expect(r.response).toMatch(/^HTTP\/1\.1 200/);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(290);
  });

  it("hang: connected, request read, nothing back until the client gives up", async () => {
    await backend.setMode(Backend.hang());
    const r = await get(400);
    expect(r).toMatchObject({ connected: true, end: "timeout", response: "" });
    expect(backend.events.since().some((e) => e.event === "hang")).toBe(true);
  });

  it("close: the client sees 'end' (FIN) with no response bytes", async () => {
    await backend.setMode(Backend.close());
    const r = await get();
    expect(r).toMatchObject({ connected: true, end: "fin", response: "" });
  });

  it("reset: the client sees ECONNRESET (RST after the request), not a FIN", async () => {
    await backend.setMode(Backend.reset());
    const r = await get();
    expect(r).toMatchObject({ connected: true, end: "error", code: "ECONNRESET", response: "" });
  });

  it("not-listening: the kernel refuses the SYN (ECONNREFUSED); healthy listens again on the same port", async () => {
    await backend.setMode(Backend.notListening());
    expect(await get()).toMatchObject({ connected: false, end: "error", code: "ECONNREFUSED" });
    await backend.setMode(Backend.healthy());
    expect(backend.addresses.http!.port).toBe(port);
    expect((await get()).response).toMatch(/^HTTP\/1\.1 200/);
  });

  it("overloaded: a full accept queue drops SYNs, connects time out and TcpExtListenOverflows grows", async () => {
    const before = await readListenCounters();
    await backend.setMode(Backend.overloaded(1));
    // backlog 1 holds two connections (sk_acceptq_is_full uses '>'); the rest get no SYN-ACK.
    const results = await Promise.all(
      Array.from({ length: 6 }, () => probe({ host, port, timeoutMs: 1500, request: "" })),
    );
    const after = await readListenCounters();
    const connected = results.filter((r) => r.connected).length;
    expect(connected).toBeGreaterThanOrEqual(1);
    expect(connected).toBeLessThanOrEqual(2);
    expect(results.filter((r) => !r.connected).every((r) => r.end === "timeout")).toBe(true);
    expect(after.listenOverflows - before.listenOverflows).toBeGreaterThanOrEqual(4);
    await backend.setMode(Backend.healthy());
    expect((await get()).response).toMatch(/^HTTP\/1\.1 200/);
  });

  it("the control API switches modes (PUT /mode) and reports them (GET /state)", async () => {
    const base = `http://${host}:${control.address.port}`;
    const put = await fetch(`${base}/mode`, { method: "PUT", body: JSON.stringify(Backend.reset()) });
    expect(put.status).toBe(200);
    expect(((await (await fetch(`${base}/state`)).json()) as { mode: { kind: string } }).mode.kind).toBe(
      "reset",
    );
    expect((await get()).code).toBe("ECONNRESET");
    const bad = await fetch(`${base}/mode`, {
      method: "PUT",
      body: JSON.stringify({ kind: "slow", delayMs: -5 }),
    });
    expect(bad.status).toBe(400);
    await backend.setMode(Backend.healthy());
    const events = (await (await fetch(`${base}/events`)).json()) as { event: string }[];
    expect(events.map((e) => e.event)).toContain("rst-sent");
  });
});

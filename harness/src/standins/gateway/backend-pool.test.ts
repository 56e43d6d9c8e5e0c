import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type StartedGateway } from "./gateway.js";

/**
 * A raw HTTP/1.1 backend that records the client port of every request. It announces
 * `Keep-Alive: timeout=2` but keeps idle connections open, so a pool that followed the hint
 * (Node's Agent does) would drop the connection before the test's idle time is over.
 * `resetSecond`: the second request on a connection is answered with RST, as a restarted host's
 * kernel answers a connection it no longer knows.
 */
function rawBackend(resetSecond = false): Promise<{ server: Server; ports: number[]; port: number }> {
  const ports: number[] = [];
  const server = createServer((s: Socket) => {
    let n = 0;
    let buf = "";
    s.on("error", () => undefined);
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      while (buf.includes("\r\n\r\n")) {
        buf = buf.slice(buf.indexOf("\r\n\r\n") + 4);
        ports.push(s.remotePort ?? 0);
        if (++n === 2 && resetSecond) return void s.resetAndDestroy();
        s.write(
          "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n" +
            "connection: keep-alive\r\nkeep-alive: timeout=2\r\n\r\nok",
        );
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, ports, port: (server.address() as AddressInfo).port }),
    ),
  );
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "backside-pool-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function gateway(port: number): Promise<StartedGateway> {
  return startGateway({
    service: {
      frontAddress: "127.0.0.1",
      frontPort: 0,
      backendUrl: `http://127.0.0.1:${port}/`,
      backTimeout: 2,
      connectTimeout: 1,
      persistentConnections: true,
      backPersistentTimeout: 180,
    },
    dns: { servers: [] },
    log: { level: "debug", file: join(tmp, `gateway-${port}.log`), stdout: false },
    mgmt: { enabled: false },
    errorReport: { dir: join(tmp, "reports") },
    capture: { dir: join(tmp, "captures") },
  });
}

const get = async (gw: StartedGateway) => {
  const r = await fetch(gw.frontUrl + "/", { signal: AbortSignal.timeout(10_000) });
  return { status: r.status, failure: r.headers.get("x-backside-failure"), body: await r.text() };
};

describe("backend connection pool", () => {
  it("keeps an idle persistent connection past 5 s (and past the server's Keep-Alive hint) and reuses it", async () => {
    const be = await rawBackend();
    try {
      await using gw = await gateway(be.port);
      expect((await get(gw)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 5_500));
      expect((await get(gw)).status).toBe(200);
      expect(be.ports).toHaveLength(2);
      expect(be.ports[1]).toBe(be.ports[0]);
      expect(gw.logText()).toMatch(/Reusing persistent connection/);
    } finally {
      be.server.close();
    }
  }, 15_000);

  it("an RST on a reused connection fails the transaction as a reset (no silent retry)", async () => {
    const be = await rawBackend(true);
    try {
      await using gw = await gateway(be.port);
      expect((await get(gw)).status).toBe(200);
      const r = await get(gw);
      expect([r.status, r.failure]).toEqual([500, "reset"]);
      expect(be.ports).toHaveLength(2);
      const log = gw.logText();
      expect(log).toMatch(/Reusing persistent connection 127\.0\.0\.1:\d+ ->/);
      expect(log).toMatch(/Persistent connection 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ closed: ECONNRESET/);
      expect(log).toMatch(/Connection reset by 127\.0\.0\.1:\d+ \(ECONNRESET\)/);
    } finally {
      be.server.close();
    }
  });
});

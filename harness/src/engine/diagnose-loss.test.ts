import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureBuilder } from "../pcap/testing/packets.js";
import { diagnose } from "./diagnose.js";
import { LOGS, writeLog, type LogStep } from "./fixtures/artifacts.js";
import { BACKEND, GW, REQUEST, RESPONSE, retransmit } from "./fixtures/scenes.js";

const dir = mkdtempSync(join(tmpdir(), "engine-loss-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The same connections at two points: beside the gateway (its SYNs at TTL 64) and beside the
 * backend (one router hop later, TTL 63), on one clock. Each step says what reached which point.
 */
function twoPoints(name: string, steps: (gw: CaptureBuilder, be: CaptureBuilder) => void) {
  const gw = new CaptureBuilder();
  const be = new CaptureBuilder();
  steps(gw, be);
  return [
    { path: gw.write(join(dir, `${name}-gw.pcap`)), name: "gateway-mid.pcap" },
    { path: be.write(join(dir, `${name}-be.pcap`)), name: "backend-back.pcap" },
  ];
}

const at = (cap: CaptureBuilder, cport: number, side: "gw" | "be") =>
  cap.tcp({
    client: GW,
    server: BACKEND,
    cport,
    sport: 80,
    clientTtl: side === "gw" ? 64 : 63,
    serverTtl: side === "gw" ? 63 : 64,
  });

/** Advance both clocks together so the two views of one connection line up. */
const both = (gw: CaptureBuilder, be: CaptureBuilder, dt: number) => (gw.wait(dt), be.wait(dt));

describe("random loss on the path, seen beside the gateway and beside the backend", () => {
  it("a served connection with a retransmitted request, a SYN-ACK lost on the way back and a lost request: net.packet-loss", async () => {
    const pcaps = twoPoints("loss", (gw, be) => {
      // 1: the first copy of the request is lost; the retransmission gets through and is served.
      const g1 = at(gw, 51001, "gw").syn().synAck({ dt: 0.001 }).ack().send("orig", REQUEST);
      const b1 = at(be, 51001, "be").syn().synAck({ dt: 0.001 }).ack();
      retransmit(gw, g1, REQUEST, 0.4);
      b1.send("orig", REQUEST, { dt: 0.4 });
      b1.send("resp", RESPONSE, { dt: 0.01 }).fin("orig").fin("resp");
      g1.send("resp", RESPONSE, { dt: 0.01 }).fin("orig").fin("resp");
      both(gw, be, 0.5);
      // 2: every SYN reaches the backend and is answered; no SYN-ACK comes back.
      const g2 = at(gw, 51002, "gw");
      const b2 = at(be, 51002, "be");
      for (const dt of [0, 1, 1]) {
        g2.syn({ dt });
        b2.syn({ dt }).synAck({ dt: 0.001 });
        gw.wait(0.001);
      }
      both(gw, be, 1);
      // 3: handshake done, the request never reaches the backend; the gateway gives up after 3 s.
      const g3 = at(gw, 51003, "gw").syn().synAck({ dt: 0.001 }).ack().send("orig", REQUEST);
      const b3 = at(be, 51003, "be").syn().synAck({ dt: 0.001 }).ack();
      g3.fin("orig", { dt: 3 });
      b3.fin("orig", { dt: 3 });
    });
    // The gateway's log of the same run: requests served, then a connect and a response timed out.
    const tx = (steps: LogStep[], tid: number) => steps.map(([e, p]): LogStep => [e, p, tid]);
    const logs = [
      writeLog(join(dir, "loss.log"), [
        ...tx(LOGS.ok, 1),
        ...tx(LOGS.ok, 2),
        ...tx(LOGS.connectTimeout, 3),
        ...tx(LOGS.ok, 4),
        ...tx(LOGS.noResponse, 5),
      ]),
    ];
    const d = await diagnose({ pcaps, logs, target: { host: BACKEND, port: 80 } });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.packet-loss");
    expect(d.confidence).toBe("high");
    expect(d.alternatives?.map((a) => a.cause)).toContain("tcp.silent-drop");
    // Beside the gateway alone: the request that timed out was never ACKed, unlike a slow backend's.
    expect((await diagnose({ pcaps: [pcaps[0]], logs, target: { host: BACKEND, port: 80 } })).cause).toBe(
      "net.packet-loss",
    );
    // The captures alone say the same.
    expect((await diagnose({ pcaps, target: { host: BACKEND, port: 80 } })).cause).toBe("net.packet-loss");
  });

  it("one served connection and one that timed out with its request ACKed and nothing lost: backend.timeout", async () => {
    const pcaps = twoPoints("timeout", (gw, be) => {
      for (const [cap, side] of [
        [gw, "gw"],
        [be, "be"],
      ] as const) {
        at(cap, 51011, side)
          .syn()
          .synAck({ dt: 0.001 })
          .ack()
          .send("orig", REQUEST)
          .ack("resp", { dt: 0.001 })
          .send("resp", RESPONSE, { dt: 0.01 })
          .fin("orig")
          .fin("resp");
        cap.wait(0.5);
        at(cap, 51012, side)
          .syn()
          .synAck({ dt: 0.001 })
          .ack()
          .send("orig", REQUEST)
          .ack("resp")
          .fin("orig", { dt: 3 });
      }
    });
    const d = await diagnose({ pcaps, target: { host: BACKEND, port: 80 } });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("backend.timeout");
  });
  /** A served exchange at both points, closed cleanly: nothing lost. */
  const served = (gw: CaptureBuilder, be: CaptureBuilder, cport: number) => {
    for (const [cap, side] of [
      [gw, "gw"],
      [be, "be"],
    ] as const)
      at(cap, cport, side)
        .syn()
        .synAck({ dt: 0.001 })
        .ack()
        .send("orig", REQUEST)
        .send("resp", RESPONSE, { dt: 0.01 })
        .fin("orig")
        .fin("resp");
    both(gw, be, 0.2);
  };
  /** SYNs that leave the gateway and never reach the point beside the backend. */
  const lostSyns = (gw: CaptureBuilder, be: CaptureBuilder, cport: number) => {
    at(gw, cport, "gw").syn().syn({ dt: 1 });
    both(gw, be, 1.2);
  };

  it("SYNs dying on the path between served connections, none retransmitted: net.packet-loss", async () => {
    const pcaps = twoPoints("died-between", (gw, be) => {
      served(gw, be, 51021);
      lostSyns(gw, be, 51022);
      served(gw, be, 51023);
      lostSyns(gw, be, 51024);
      served(gw, be, 51025);
    });
    const d = await diagnose({ pcaps, target: { host: BACKEND, port: 80 } });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.packet-loss");
    // Not a full listen queue: the SYNs never reached the backend.
    expect(d.alternatives?.map((a) => a.cause) ?? []).not.toContain("backend.overloaded");
  });

  it("served connections, then every SYN dying on the path (a rule added later): tcp.silent-drop", async () => {
    const pcaps = twoPoints("rule-later", (gw, be) => {
      served(gw, be, 51031);
      served(gw, be, 51032);
      lostSyns(gw, be, 51033);
      lostSyns(gw, be, 51034);
    });
    const d = await diagnose({ pcaps, target: { host: BACKEND, port: 80 } });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("tcp.silent-drop");
  });
});

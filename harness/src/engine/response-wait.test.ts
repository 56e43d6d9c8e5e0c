import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureBuilder } from "../pcap/testing/packets.js";
import { packSegments } from "../flows/segment-view.js";
import { diagnose } from "./diagnose.js";
import { answeredExchanges, responseWaits } from "./response-wait.js";
import { BACKEND, NAME, REQUEST, RESPONSE, conn, dns, retransmit } from "./fixtures/scenes.js";

const dir = mkdtempSync(join(tmpdir(), "engine-wait-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One persistent connection carrying two exchanges, answered after `waits` seconds each. */
function slowBackend(path: string, waits: [number, number], resend = false): string {
  const cap = new CaptureBuilder();
  dns(cap, { rcode: 0, answers: [BACKEND] });
  const c = conn(cap).syn({ dt: 0.01 }).synAck({ dt: 0.001 }).ack();
  c.send("orig", REQUEST, { dt: 0.001 }).ack("resp", { dt: 0.001 });
  // A resent request carries no new byte: the wait still counts from the first copy.
  if (resend) retransmit(cap, c, REQUEST, 0.4);
  c.send("resp", RESPONSE, { dt: waits[0] - (resend ? 0.4 : 0) }).ack();
  c.send("orig", REQUEST, { dt: 0.2 }).ack("resp", { dt: 0.001 });
  c.send("resp", RESPONSE, { dt: waits[1] }).ack();
  c.fin("orig", { dt: 0.01 }).fin("resp", { dt: 0.001 }).ack();
  return cap.write(path);
}

describe("how long a healthy backend took to answer", () => {
  it("counts every exchange on a persistent connection and tells the slowest wait", async () => {
    const d = await diagnose({
      pcaps: [{ path: slowBackend(join(dir, "slow.pcap"), [1.5, 0.8]) }],
      target: { host: NAME },
    });
    expect(d.cause).toBe("healthy");
    expect(d.explanation).toMatch(/got 2 responses in time, the slowest 1\.5 s after its request;/);
  });

  it("measures from the request's first copy when it was retransmitted", async () => {
    const d = await diagnose({
      pcaps: [{ path: slowBackend(join(dir, "resent.pcap"), [1.5, 0.8], true) }],
      target: { host: NAME },
    });
    expect(d.explanation).toMatch(/the slowest 1\.5 s after its request/);
  });

  it("says nothing of a quick answer", async () => {
    const d = await diagnose({
      pcaps: [{ path: slowBackend(join(dir, "quick.pcap"), [0.02, 0.03]) }],
      target: { host: NAME },
    });
    expect(d.explanation).toMatch(/got 2 responses in time; nothing on the backend side failed/);
  });
});

describe("responseWaits", () => {
  /** A data segment: who sent it, when, and its sequence range. */
  const seg = (dir: "orig" | "resp", ts: number, seq: number, len: number) => ({
    capture: 0,
    n: Math.round(ts * 1000),
    ts,
    dir,
    flags: 0x18,
    seq,
    ack: 0,
    len,
    window: 512,
    ttl: 64,
    badChecksum: false,
  });

  it("pairs each request with the first response after it, a request and response on the same stamp in that order", () => {
    const segs = packSegments([
      seg("orig", 1, 1, 10),
      seg("resp", 1.5, 1, 20),
      seg("orig", 2, 11, 10),
      seg("resp", 2, 21, 20),
      seg("resp", 2.5, 41, 20),
    ]);
    expect(responseWaits(segs)).toEqual([0.5, 0]);
  });

  it("orders by time when the capture's stamps go backwards", () => {
    // The response was written before the request but stamped after it.
    const segs = packSegments([seg("resp", 1.25, 1, 20), seg("orig", 1, 1, 10), seg("orig", 3, 11, 10)]);
    expect(responseWaits(segs)).toEqual([0.25]);
  });

  it("answeredExchanges counts the responses and the slowest wait, over more connections than a call takes arguments", () => {
    const conns = Array.from({ length: 300_000 }, (_, i) => ({
      responseWaits: i === 4321 ? [2.5, 0.1] : [0.01],
    }));
    expect(answeredExchanges(conns)).toEqual({ responses: 300_001, slowest: 2.5 });
    expect(answeredExchanges([{ responseWaits: [] }, { responseWaits: [] }])).toEqual({ responses: 2 });
  });
});

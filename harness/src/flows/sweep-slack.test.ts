/**
 * The analyzer ends finished flows early (the sweep), a few seconds after Zeek's timers would:
 * a packet stamped that much earlier than the newest one still meets its connection, as when
 * every flow's timers are looked at only when its next packet comes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureBuilder } from "../pcap/testing/packets.js";
import { analyzeCapture } from "./analyze.js";

const dir = mkdtempSync(path.join(tmpdir(), "backside-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A connection that closes at t0, then `others` packets of another connection up to `ahead`
 * seconds later (enough for several sweeps), then the first connection's last ACK stamped 3 s
 * after it closed (inside Zeek's 5 s close delay), written after them.
 */
function capture(ahead: number, others = 2000): string {
  const cap = new CaptureBuilder();
  const a = cap.tcp({ client: "10.1.0.2", server: "10.2.0.10", cport: 40000, sport: 80 });
  a.syn()
    .synAck({ dt: 0.001 })
    .ack("orig", { dt: 0.001 })
    .fin("orig", { dt: 0.01 })
    .fin("resp", { dt: 0.001 });
  const closed = cap.t;
  const b = cap.tcp({ client: "10.1.0.3", server: "10.2.0.10", cport: 41000, sport: 80 });
  b.syn().synAck({ dt: 0.001 });
  for (let i = 0; i < others; i++) b.ack("orig", { dt: ahead / others });
  cap.t = closed + 3 - 0.001;
  a.ack("orig", { dt: 0.001 });
  return cap.write(path.join(dir, `ahead-${ahead}.pcap`));
}

describe("the sweep of finished flows", () => {
  it("a packet inside its connection's close delay joins it, stamped 1 s before the newest", async () => {
    const s = await analyzeCapture(capture(4));
    const a = s.tcp.filter((c) => c.id.origP === 40000);
    expect(a.map((c) => [c.connState, c.origPkts])).toEqual([["SF", 4]]);
  });

  it("so does one stamped 6 s before the newest, past its close delay but inside the slack", async () => {
    const s = await analyzeCapture(capture(9));
    const a = s.tcp.filter((c) => c.id.origP === 40000);
    expect(a).toHaveLength(1);
    expect(a[0].origPkts).toBe(4);
  });
});

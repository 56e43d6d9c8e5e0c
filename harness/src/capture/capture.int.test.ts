import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Topology, type StartedTopology } from "../topology/index.js";
import { BASE_IMAGE } from "../topology/testing/minimal-nodes.js";
import { newRunId } from "../util/run-id.js";
import { pollUntil } from "../util/poll-until.js";
import { startCapture } from "./capture.js";

let t: StartedTopology;

beforeAll(async () => {
  t = await new Topology({ name: "capture-test", runId: newRunId("t"), defaultImage: BASE_IMAGE }).start();
});

afterAll(async () => {
  await t?.stop();
});

/** pcap global header magic, microsecond resolution, little or big endian. */
function isPcap(buf: Buffer): boolean {
  const m = buf.readUInt32LE(0);
  return m === 0xa1b2c3d4 || m === 0xd4c3b2a1;
}

describe("capture (real tcpdump in a node)", () => {
  it("maxBytes cuts the pcap at that size; the cut file is still a pcap", async () => {
    const gw = t.node("gateway");
    const cap = await startCapture(gw, { segment: "mid", filter: "icmp", maxBytes: 1500, name: "bytes" });
    await gw.exec(["ping", "-c", "30", "-i", "0.05", "-W", "1", t.node("firewall").address("mid")], {
      timeoutMs: 15_000,
    });
    const r = await cap.stop();
    expect(r.bytes).toBe(1500);
    expect(isPcap(readFileSync(r.file))).toBe(true);
  });

  it("maxSeconds ends tcpdump by itself; stop() afterwards still returns the file and count", async () => {
    const fw = t.node("firewall");
    // Only TCP: an idle segment still carries the kernel's IPv6 router solicitations and MLD
    // reports from interfaces that just came up.
    const cap = await startCapture(fw, { segment: "back", filter: "tcp", maxSeconds: 1, name: "seconds" });
    await pollUntil(() => cap.ended(), {
      what: "tcpdump to end after 1 s",
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    const r = await cap.stop();
    expect(r.bytes).toBe(24); // header only: no TCP on back
    expect(r.packets).toBe(0);
  });

  it("several capture points run at once, and a capture still running is stopped and copied at teardown", async () => {
    const local = newRunId("t");
    const t2 = await new Topology({ name: "capture-test", runId: local, defaultImage: BASE_IMAGE }).start();
    let file = "";
    try {
      const fw = t2.node("firewall");
      const caps = await Promise.all(
        (["mid", "back", "dnsnet"] as const).map((segment) => startCapture(fw, { segment })),
      );
      expect(new Set(caps.map((c) => c.iface)).size).toBe(3);
      file = caps[0].file;
    } finally {
      await t2.stop();
    }
    expect(existsSync(file)).toBe(true);
    expect(isPcap(readFileSync(file))).toBe(true);
  });

  it("leaves no socket to the Docker daemon behind: after capture and topology stop, no more sockets than before", async () => {
    // Referenced sockets only: those are what keep a process alive (pooled idle ones are unref'd).
    const sockets = () =>
      process.getActiveResourcesInfo().filter((r) => /^(TCPSocketWrap|TCPWrap|PipeWrap|TTYWrap)$/.test(r))
        .length;
    const t2 = await new Topology({
      name: "capture-test",
      runId: newRunId("t"),
      defaultImage: BASE_IMAGE,
    }).start();
    const before = sockets();
    try {
      const caps = await Promise.all(
        (["mid", "back"] as const).map((segment) => startCapture(t2.node("firewall"), { segment })),
      );
      caps.push(await startCapture(t2.node("gateway"), { segment: "mid" }));
      for (const c of caps) await c.stop();
    } finally {
      await t2.stop();
    }
    // Closed sockets leave the list on the next turns of the loop.
    await pollUntil(async () => sockets() <= before, {
      what: "sockets opened by the captures to be closed",
      timeoutMs: 2_000,
      intervalMs: 20,
    }).catch(() => undefined);
    expect(sockets()).toBeLessThanOrEqual(before);
  });

  it("a capture that cannot start fails fast with RUNTIME", async () => {
    const t0 = Date.now();
    await expect(startCapture(t.node("backend"), { iface: "nosuch0" })).rejects.toMatchObject({
      code: "RUNTIME",
    });
    expect(Date.now() - t0).toBeLessThan(9_000);
  });
});

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose.js";

// Bundles kept from real runs of the harness (gateway, firewall and backend stand-ins in Docker):
// captures at every point, the gateway's debug log and its error report, as `backside run` left them.
const RUNS = join(import.meta.dirname, "fixtures", "runs");

function bundle(name: string) {
  const dir = join(RUNS, name);
  const files = readdirSync(dir).sort();
  return {
    pcaps: files.filter((f) => f.endsWith(".pcap")).map((f) => ({ path: join(dir, f), name: f })),
    logs: [join(dir, "gateway.log")],
    errorReport: join(dir, "error-report.txt"),
  };
}

describe("bundles from real runs", () => {
  it("net-wrong-route: the route via a front-side client, the SYN only on the front capture", async () => {
    const d = await diagnose(bundle("net-wrong-route"));
    expect(d.cause).toBe("net.wrong-route");
    expect(d.confidence).toBe("high");
    expect(d.capturePoints?.statement).toMatch(/reached gateway-front\.pcap/);
  });

  it("backend-overloaded: some handshakes complete and are never served, others get no SYN-ACK", async () => {
    const d = await diagnose(bundle("backend-overloaded"));
    expect(d.cause).toBe("backend.overloaded");
    expect(d.confidence).toBe("high");
  });

  it("net-packet-loss: served requests with retransmissions beside one whose request never reached the backend", async () => {
    // 50 % loss both ways: connects needed SYN retransmissions, data was retransmitted, and one
    // request died between the firewall's two sides; the log reads like a plain back-timeout.
    const d = await diagnose(bundle("net-packet-loss"));
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.packet-loss");
    expect(d.confidence).toBe("high");
    expect(d.alternatives?.map((a) => a.cause)).toContain("backend.timeout");
  });

  it("the same bundles from the log alone and the report alone", async () => {
    const b = bundle("backend-overloaded");
    expect((await diagnose({ logs: b.logs })).cause).toBe("backend.overloaded");
    const w = bundle("net-wrong-route");
    expect((await diagnose({ pcaps: w.pcaps })).cause).not.toBe("healthy");
  });
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CaptureBuilder } from "../pcap/testing/capture-builder.js";
import { tcpFrame } from "../pcap/testing/frames.js";
import { analyzeCapture } from "./analyze.js";

const dir = mkdtempSync(path.join(tmpdir(), "backside-copies-"));
const GW = "10.100.1.10";
const BE = "10.100.2.10";

/** One forwarded exchange as a router's `-i any` sees it: each packet on both legs, TTL one lower the second time. */
function capture(second: (ttl: number) => number): string {
  const cap = new CaptureBuilder();
  const both = (
    src: string,
    dst: string,
    sport: number,
    dport: number,
    flags: string,
    seq: number,
    ack: number,
  ) => {
    cap.add(tcpFrame({ src, dst, sport, dport, flags, seq, ack, ttl: 64 }), 0.01);
    cap.add(tcpFrame({ src, dst, sport, dport, flags, seq, ack, ttl: second(64) }), 0.0001);
  };
  both(GW, BE, 40000, 80, "S", 1000, 0);
  both(BE, GW, 80, 40000, "SA", 5000, 1001);
  both(GW, BE, 40000, 80, "A", 1001, 5001);
  both(GW, BE, 40000, 80, "FA", 1001, 5001);
  both(BE, GW, 80, 40000, "FA", 5001, 1002);
  both(GW, BE, 40000, 80, "A", 1002, 5002);
  return cap.write(path.join(dir, `c${second(64)}.pcap`));
}

describe("second copies of forwarded packets in one capture", () => {
  it("are read once, and said once as a note", async () => {
    const s = await analyzeCapture(capture((t) => t - 1));
    expect(s.tcp).toHaveLength(1);
    expect([s.tcp[0].syns.length, s.tcp[0].connState, s.tcp[0].history]).toEqual([1, "SF", "ShAFf"]);
    expect(s.problems.filter((p) => p.kind === "copies").map((p) => p.message)).toEqual([
      expect.stringMatching(/^6 packet\(s\) seen a second time/),
    ]);
  });
  it("a repeat with the same TTL is the sender's own (a retransmitted SYN), kept", async () => {
    const s = await analyzeCapture(capture((t) => t));
    expect(s.tcp[0].syns.length).toBe(2);
    expect(s.problems.filter((p) => p.kind === "copies")).toEqual([]);
  });
});

/**
 * Reading back a ladder's frames: first lines only of printable text, Ethernet addresses and who
 * answered ARP, and a capture that cannot be read again leaves a ladder's labels as they were.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../flows/index.js";
import { arpFrame, CaptureBuilder } from "../pcap/testing/packets.js";
import { firstTextLine, readLadderFrames } from "./ladder-frames.js";
import { buildPathLadder } from "./path-ladder.js";
import { labelPathLadder } from "./path-ladder-labels.js";

const GW_MAC = "02:42:0a:64:01:0a";
const FW_MAC = "02:42:0a:64:01:fe";

function capture(dir: string): string {
  const cap = new CaptureBuilder();
  cap.add(arpFrame({ op: "request", senderMac: GW_MAC, senderIp: "10.100.1.10", targetIp: "10.100.1.254" }));
  cap.add(
    arpFrame({
      op: "reply",
      senderMac: FW_MAC,
      senderIp: "10.100.1.254",
      targetMac: GW_MAC,
      targetIp: "10.100.1.10",
    }),
  );
  const c = cap.tcp({
    client: "10.100.1.10",
    server: "10.100.2.10",
    cport: 40000,
    sport: 80,
    l2: { src: GW_MAC, dst: FW_MAC },
  });
  c.syn().synAck({ dt: 0.001 }).ack("orig", { dt: 0.001 });
  c.send("orig", "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", { dt: 0.001 });
  c.send("resp", Buffer.from([0, 1, 2, 0xff, 0xfe, 5, 6, 7, 8, 9]), { dt: 0.001 });
  return cap.write(join(dir, "firewall-mid.pcap"));
}

describe("ladder frames", () => {
  it("takes the first line of printable text only, cut at a bounded length", () => {
    const b = (s: string) => Buffer.from(s, "latin1");
    expect(firstTextLine(b("HTTP/1.1 503 Service Unavailable\r\nx: y"), 0, 40)).toBe(
      "HTTP/1.1 503 Service Unavailable",
    );
    expect(firstTextLine(Buffer.from([0x16, 0x03, 0x01, 0x02]), 0, 4)).toBeNull();
    expect(firstTextLine(b("\r\nGET"), 0, 5)).toBeNull();
    expect(firstTextLine(b("A".repeat(500)), 0, 500)).toHaveLength(160);
  });

  it("reads only the wanted frames, their MACs and the ARP seen before them", async () => {
    const file = capture(mkdtempSync(join(tmpdir(), "frames-")));
    const f = await readLadderFrames(file, new Set([3, 6]));
    expect([...f.frames.keys()]).toEqual([3, 6]);
    expect(f.frames.get(3)).toEqual({ macs: { src: GW_MAC, dst: FW_MAC }, firstLine: null });
    expect(f.frames.get(6)?.firstLine).toBe("GET /a HTTP/1.1");
    expect(f.arp.get(FW_MAC)).toBe("10.100.1.254");
    expect(f.arp.get(GW_MAC)).toBe("10.100.1.10");
  });

  it("names the middle box's address; binary payloads keep their byte count", async () => {
    const file = capture(mkdtempSync(join(tmpdir(), "frames-")));
    const points = [{ source: "firewall-mid.pcap", summary: await analyzeCapture([file]) }];
    const l = await labelPathLadder(buildPathLadder(points)!, points);
    expect(l.lanes.map((x) => `${x.role} ${x.address}`)).toEqual([
      "gateway 10.100.1.10",
      "firewall 10.100.1.254",
      "backend 10.100.2.10",
    ]);
    const data = l.rows.filter((r) => r.kind === "data").map((r) => r.label);
    expect(data).toEqual(["GET /a HTTP/1.1", "data (10 bytes)"]);
  });

  it("a capture gone since the analysis leaves the labels as they were", async () => {
    const dir = mkdtempSync(join(tmpdir(), "frames-"));
    const file = capture(dir);
    const points = [{ source: "firewall-mid.pcap", summary: await analyzeCapture([file]) }];
    rmSync(file);
    const l = await labelPathLadder(buildPathLadder(points)!, points);
    expect(l.rows.filter((r) => r.kind === "data").map((r) => r.label)).toEqual([
      "data (28 bytes)",
      "data (10 bytes)",
    ]);
    expect(l.lanes[1].address).toBe("");
  });
});

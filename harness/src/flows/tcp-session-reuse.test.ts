/**
 * An ended connection's session is reset and reused for a later one (analyzer.ts): the later
 * connection's record must be what it is on its own, whatever the earlier one left behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureBuilder, type TcpConversation } from "../pcap/testing/capture-builder.js";
import { tlsClientHello, udpFrame } from "../pcap/testing/packets.js";
import { analyzeCapture } from "./analyze.js";
import type { TcpConnection } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "flows-reuse-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TUPLE = { client: "10.100.1.10", server: "10.100.2.10", cport: 40100, sport: 443 };

/** As many packets as `messy`, at the same times, none of them TCP: the packet numbers then match. */
function filler(cap: CaptureBuilder): void {
  for (const dt of [0.01, 0.001, 0.001, 0.002, 0.2, 0.01, 0.001])
    cap.add(
      udpFrame({ src: TUPLE.client, dst: "10.100.3.53", sport: 40200, dport: 9, payload: Buffer.from("x") }),
      dt,
    );
}

/** Everything a session keeps: a flip (SYN-ACK first), both sides' data, a zero window, TLS, resets. */
function messy(cap: CaptureBuilder): void {
  const c = cap.tcp({ ...TUPLE, clientIsn: 7_000, serverIsn: 9_000, clientTtl: 61, serverTtl: 57 });
  c.synAck({ dt: 0.01 }).ack("orig", { dt: 0.001 });
  c.send("orig", tlsClientHello("old.example"), { dt: 0.001 });
  c.send("resp", "x".repeat(300), { dt: 0.002, window: 0 });
  c.send("resp", "y".repeat(100), { dt: 0.2 });
  c.rst("orig", { dt: 0.01 }).rst("resp", { dt: 0.001 });
}

/** A plain exchange on the same tuple, a new ISN: a new connection (TCPSessionAdapter::IsReuse). */
function plain(cap: CaptureBuilder): TcpConversation {
  const c = cap.tcp({ ...TUPLE, clientIsn: 1_000_000, serverIsn: 5_000_000 });
  c.syn({ dt: 1 }).synAck({ dt: 0.001 }).ack();
  c.send("orig", "GET / HTTP/1.1\r\n\r\n", { dt: 0.001 }).ack("resp", { dt: 0.001 });
  c.send("resp", "HTTP/1.1 200 OK\r\n\r\n", { dt: 0.01 }).ack();
  c.fin("orig", { dt: 0.01 }).fin("resp", { dt: 0.001 }).ack();
  return c;
}

const plainRecord = (c: TcpConnection) => {
  const { uid: _uid, ...rest } = JSON.parse(JSON.stringify(c)) as TcpConnection;
  return rest;
};

describe("a reused session", () => {
  it("gives the later connection the record it has on its own", async () => {
    const both = new CaptureBuilder();
    messy(both);
    plain(both);
    const alone = new CaptureBuilder();
    filler(alone);
    plain(alone);
    const a = await analyzeCapture(both.write(join(dir, "both.pcap")), { ignoreChecksums: true });
    const b = await analyzeCapture(alone.write(join(dir, "alone.pcap")), { ignoreChecksums: true });
    expect(a.tcp).toHaveLength(2);
    expect(a.tcp[0].history).toMatch(/\^/);
    expect(a.tcp[0].resets.length).toBe(2);
    expect(b.tcp).toHaveLength(1);
    expect(plainRecord(a.tcp[1])).toEqual(plainRecord(b.tcp[0]));
    expect(a.tcp[1].tls).toBeNull();
  });
});

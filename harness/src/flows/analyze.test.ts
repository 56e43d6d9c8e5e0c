/** Each failure cause as a small capture, and what the flow analysis must say about it. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  arpFrame,
  CaptureBuilder,
  dnsMessage,
  icmpErrorFrame,
  ipPacketOf,
  tcpFrame,
  tlsAlert,
  tlsClientHello,
  udpFrame,
} from "../pcap/testing/packets.js";
import { analyzeCapture } from "./analyze.js";

const dir = mkdtempSync(path.join(tmpdir(), "backside-flows-"));
let n = 0;
const file = (cap: CaptureBuilder) => cap.write(path.join(dir, `c${++n}.pcap`));
const GW = "10.100.1.10";
const BE = "10.100.2.10";
const conv = (cap: CaptureBuilder, sport = 443) =>
  cap.tcp({ client: GW, server: BE, cport: 40000, sport, clientTtl: 64, serverTtl: 63 });

describe("TCP connection attempts", () => {
  it("an unanswered SYN retried on the Linux schedule is S0 with history S and every SYN counted", async () => {
    const cap = new CaptureBuilder();
    const c = conv(cap);
    for (const dt of [0, 1, 2, 4, 8]) c.syn({ dt });
    const s = await analyzeCapture(file(cap));
    expect(s.tcp).toHaveLength(1);
    const t = s.tcp[0];
    expect([t.connState, t.history, t.origPkts, t.respPkts]).toEqual(["S0", "S", 5, 0]);
    expect(t.synGaps).toEqual([1, 2, 4, 8]);
    expect(t.syns.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
  });

  it("with Zeek's 5 s attempt timer the same SYNs split into several S0 records", async () => {
    const cap = new CaptureBuilder();
    const c = conv(cap);
    for (const dt of [0, 1, 2, 4, 8]) c.syn({ dt });
    const s = await analyzeCapture(file(cap), { attemptTimeout: 5 });
    expect(s.tcp.map((t) => [t.connState, t.origPkts])).toEqual([
      ["S0", 3],
      ["S0", 1],
      ["S0", 1],
    ]);
  });

  it("refused SYN is REJ, not S0", async () => {
    const cap = new CaptureBuilder();
    conv(cap).syn().refuse({ dt: 0.0005 });
    const t = (await analyzeCapture(file(cap))).tcp[0];
    expect([t.connState, t.history]).toEqual(["REJ", "Sr"]);
    expect(t.respClose).toMatchObject({ by: "resp", how: "rst" });
    expect(t.respTtls).toEqual([63]);
  });

  it("an ICMP reject is joined to the SYN it quotes", async () => {
    const cap = new CaptureBuilder();
    const syn = tcpFrame({ src: GW, dst: BE, sport: 40000, dport: 443, flags: "S", seq: 5 });
    cap
      .add(syn)
      .add(
        icmpErrorFrame({ src: "10.100.1.254", dst: GW, type: 3, code: 13, quoted: ipPacketOf(syn) }),
        0.001,
      );
    const s = await analyzeCapture(file(cap));
    expect(s.tcp[0]).toMatchObject({ connState: "S0", icmpErrors: [0] });
    expect(s.icmp[0]).toMatchObject({
      kind: "unreachable",
      code: 13,
      sender: "10.100.1.254",
      flowUid: s.tcp[0].uid,
    });
  });

  it("a bad-checksum SYN is ignored as Zeek does (history C, no packets) unless checksums are ignored", async () => {
    const cap = new CaptureBuilder();
    conv(cap).syn({ badChecksum: true });
    const f = file(cap);
    expect((await analyzeCapture(f)).tcp[0]).toMatchObject({ history: "C", origPkts: 0, connState: "OTH" });
    expect((await analyzeCapture(f, { ignoreChecksums: true })).tcp[0]).toMatchObject({
      history: "S",
      origPkts: 1,
      connState: "S0",
    });
  });
});

describe("after the handshake", () => {
  it("a request with no response before the client gives up is S1 with no response time", async () => {
    const cap = new CaptureBuilder();
    conv(cap, 80)
      .syn()
      .synAck({ dt: 0.001 })
      .ack("orig", { dt: 0.001 })
      .send("orig", "GET / HTTP/1.1\r\n\r\n")
      .ack("resp", { dt: 0.001 });
    const t = (await analyzeCapture(file(cap))).tcp[0];
    expect([t.connState, t.history]).toEqual(["S1", "ShADa"]);
    expect(t.handshakeRtt).toBeCloseTo(0.001, 6);
    expect(t.firstOrigData?.n).toBe(4);
    expect([t.firstRespData, t.responseDelay]).toEqual([null, null]);
  });

  it("a backend that closes without answering is S3; one that resets is RSTR", async () => {
    const a = new CaptureBuilder();
    conv(a, 80).syn().synAck().ack().send("orig", "GET /").fin("resp", { dt: 1 });
    expect((await analyzeCapture(file(a))).tcp[0]).toMatchObject({
      connState: "S3",
      closedBy: { by: "resp", how: "fin" },
    });
    const b = new CaptureBuilder();
    conv(b, 80).syn().synAck().ack().send("orig", "GET /").rst("resp", { dt: 1 });
    expect((await analyzeCapture(file(b))).tcp[0]).toMatchObject({ connState: "RSTR", history: "ShADr" });
  });

  it("a full exchange closed by both sides is SF with bytes per side", async () => {
    const cap = new CaptureBuilder();
    conv(cap, 80)
      .syn()
      .synAck()
      .ack()
      .send("orig", "GET /")
      .send("resp", "HTTP/1.1 200 OK\r\n\r\n", { dt: 0.2 })
      .fin("orig")
      .fin("resp")
      .ack("orig");
    const t = (await analyzeCapture(file(cap))).tcp[0];
    expect([t.connState, t.history, t.origBytes, t.respBytes]).toEqual(["SF", "ShADdFf", 5, 19]);
    expect(t.responseDelay).toBeCloseTo(0.2, 6);
  });

  it("a TLS alert from the server is read with its level and name on a non-standard port", async () => {
    const cap = new CaptureBuilder();
    conv(cap, 8443)
      .syn()
      .synAck()
      .ack()
      .send("orig", tlsClientHello("backend.example"))
      .send("resp", tlsAlert(2, 48))
      .fin("resp");
    const t = (await analyzeCapture(file(cap))).tcp[0];
    expect(t.tls).toMatchObject({
      serverName: "backend.example",
      lastAlert: "unknown_ca",
      established: false,
    });
    expect(t.tls?.alerts[0]).toMatchObject({ dir: "resp", level: 2, description: 48 });
    expect(t.tls?.handshake.map((h) => h.typeName)).toEqual(["client_hello"]);
  });
});

describe("DNS and ARP", () => {
  const q = (id: number) =>
    udpFrame({
      src: GW,
      dst: "10.100.3.53",
      sport: 33333,
      dport: 53,
      payload: dnsMessage({ id, questions: [{ name: "backend.example", type: 1 }] }),
    });
  const r = (id: number, rcode: number, answers = false) =>
    udpFrame({
      src: "10.100.3.53",
      dst: GW,
      sport: 53,
      dport: 33333,
      payload: dnsMessage({
        id,
        response: true,
        rcode,
        questions: [{ name: "backend.example", type: 1 }],
        answers: answers ? [{ name: "backend.example", type: 1, ttl: 42, data: BE }] : [],
      }),
    });

  it("NXDOMAIN has rcode 3 and, with empty sections, is rejected as Zeek defines it", async () => {
    const cap = new CaptureBuilder().add(q(7)).add(r(7, 3), 0.01);
    const d = (await analyzeCapture(file(cap))).dns[0];
    expect(d).toMatchObject({
      query: "backend.example",
      qtypeName: "A",
      rcode: 3,
      rcodeName: "NXDOMAIN",
      rejected: true,
      answers: [],
    });
    expect(d.rtt).toBeCloseTo(0.01, 6);
  });

  it("retries with no answer are one transaction with every query time and no rcode", async () => {
    const cap = new CaptureBuilder().add(q(9)).add(q(9), 5).add(q(9), 5);
    const d = (await analyzeCapture(file(cap))).dns;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ rcode: null, response: null });
    expect(d[0].queries.map((x) => x.n)).toEqual([1, 2, 3]);
  });

  it("an answer carries the address and its TTL", async () => {
    const cap = new CaptureBuilder().add(q(1)).add(r(1, 0, true), 0.002);
    const d = (await analyzeCapture(file(cap))).dns[0];
    expect(d.answers).toEqual([
      { section: "answer", name: "backend.example", type: 1, typeName: "A", ttl: 42, data: BE },
    ]);
    expect(d.rejected).toBe(false);
  });

  it("ARP requests without a reply are listed; answered ones are not", async () => {
    const req = arpFrame({
      op: "request",
      senderMac: "02:00:00:00:00:0a",
      senderIp: "10.100.2.254",
      targetIp: BE,
    });
    const cap = new CaptureBuilder().add(req).add(req, 1).add(req, 1);
    cap.add(
      arpFrame({
        op: "request",
        senderMac: "02:00:00:00:00:0a",
        senderIp: "10.100.2.254",
        targetIp: "10.100.2.11",
      }),
    );
    cap.add(
      arpFrame({
        op: "reply",
        senderMac: "02:00:00:00:00:0b",
        senderIp: "10.100.2.11",
        targetMac: "02:00:00:00:00:0a",
        targetIp: "10.100.2.254",
      }),
    );
    const arp = (await analyzeCapture(file(cap))).arp;
    expect(arp.map((a) => [a.targetIp, a.requests.length])).toEqual([[BE, 3]]);
  });
});

describe("several captures", () => {
  it("keep their own flows, so the same SYN seen at two points is two records", async () => {
    const a = new CaptureBuilder();
    conv(a).syn();
    const b = new CaptureBuilder();
    b.tcp({ client: GW, server: BE, cport: 40000, sport: 443, clientTtl: 63 }).syn();
    const s = await analyzeCapture([file(a), file(b)]);
    expect(s.tcp.map((t) => [t.capture, t.origTtls[0]])).toEqual([
      [0, 64],
      [1, 63],
    ]);
    expect(s.captures).toHaveLength(2);
  });

  it("a truncated capture still yields its flows plus a problem with the offset", async () => {
    const cap = new CaptureBuilder();
    conv(cap).syn().syn({ dt: 1 });
    const f = file(cap);
    const { readFileSync, writeFileSync } = await import("node:fs");
    const bytes = readFileSync(f);
    writeFileSync(f, bytes.subarray(0, bytes.length - 4));
    const s = await analyzeCapture(f);
    expect(s.tcp[0].origPkts).toBe(1);
    expect(s.problems[0]).toMatchObject({ kind: "truncated-file", packet: 2 });
    expect(s.problems[0].offset).toBeGreaterThan(24);
  });
});

describe("compact records", () => {
  it("a record reads and serialises like a plain object: JSON has every field, spreads keep the evidence", async () => {
    const cap = new CaptureBuilder();
    conv(cap).syn().syn({ dt: 1 }).synAck({ dt: 0.01 }).ack("orig", { dt: 0.001 }).rst("resp", { dt: 0.5 });
    const t = (await analyzeCapture(file(cap))).tcp[0];
    const json = JSON.parse(JSON.stringify(t));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        "id",
        "syns",
        "synGaps",
        "synAcks",
        "handshakeAck",
        "origClose",
        "respClose",
        "closedBy",
        "resets",
        "origTtls",
        "respTtls",
        "segments",
      ]),
    );
    expect(json.segments.map((s: { flags: number }) => s.flags)).toEqual([0x02, 0x02, 0x12, 0x10, 0x04]);
    expect(json).toMatchObject({
      synGaps: [1],
      respClose: { by: "resp", how: "rst" },
      closedBy: { by: "resp" },
      respTtls: [63],
      handshakeAck: { n: 4 },
    });
    expect(JSON.parse(JSON.stringify({ ...json }))).toEqual(json);
    t.segments = [];
    expect(t.segments).toEqual([]);
  });

  it("a closed connection swept long before a new SYN on the same ports still gives two records", async () => {
    const cap = new CaptureBuilder();
    const c = conv(cap);
    c.syn()
      .synAck({ dt: 0.001 })
      .ack("orig", { dt: 0.001 })
      .fin("orig", { dt: 0.001 })
      .fin("resp", { dt: 0.001 })
      .ack("orig", { dt: 0.001 });
    // Enough other traffic, long after, for the open table to be swept.
    for (let i = 0; i < 300; i++)
      cap.tcp({ client: GW, server: BE, cport: 50000 + i, sport: 443 }).syn({ dt: 1 });
    c.syn({ dt: 1 });
    const s = await analyzeCapture(file(cap));
    const same = s.tcp.filter((t) => t.id.origP === 40000);
    expect(same.map((t) => t.connState)).toEqual(["SF", "S0"]);
    expect(s.tcp.map((t) => t.uid)).toEqual(s.tcp.map((_, i) => `T${i + 1}`));
  });
});

describe("a SYN snapped inside its options", () => {
  it("keeps synMss and synWindowScale as null, not 0 or missing", async () => {
    const cap = new CaptureBuilder();
    const syn = tcpFrame({ src: GW, dst: BE, sport: 40000, dport: 80, flags: "S", mss: 1460, wscale: 7 });
    // Ethernet 14 + IP 20 + TCP 20 + 2 bytes of the MSS option: the IP length still says 28 more.
    cap.add(syn.subarray(0, 14 + 20 + 20 + 2));
    const s = await analyzeCapture(file(cap));
    const json = JSON.parse(JSON.stringify(s));
    expect(json.tcp[0]).toMatchObject({ synMss: null, synWindowScale: null });
  });
});

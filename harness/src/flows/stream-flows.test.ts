/**
 * `backside flows` streamed: the records leave while the capture is still being read, and the
 * streamed document holds what the held summary holds (records in the order their connections
 * ended instead of the order they started).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
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
import { flowSummaryLines } from "./format-text.js";
import { streamFlows } from "./stream-flows.js";

const dir = mkdtempSync(path.join(tmpdir(), "backside-stream-flows-"));

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** One of each: served, TLS with an alert, a SYN with an ICMP error, a DNS query and answer. */
function mixed(): string {
  const cap = new CaptureBuilder();
  for (let i = 0; i < 3; i++) {
    const c = cap.tcp({ client: "10.1.0.2", server: "10.2.0.10", cport: 40000 + i, sport: 443 });
    c.syn().synAck().ack().send("orig", tlsClientHello("backend.example")).send("resp", tlsAlert(2, 48));
    c.fin("resp").fin("orig");
    cap.wait(1);
    const syn = tcpFrame({
      src: "10.1.0.2",
      dst: "10.3.0.10",
      sport: 41000 + i,
      dport: 80,
      flags: "S",
      seq: 5,
    });
    cap
      .add(syn)
      .add(
        icmpErrorFrame({ src: "10.1.0.254", dst: "10.1.0.2", type: 3, code: 13, quoted: ipPacketOf(syn) }),
        0.001,
      );
    const q = dnsMessage({ id: 7 + i, questions: [{ name: "backend.example", type: 1 }] });
    cap.add(udpFrame({ src: "10.1.0.2", dst: "10.4.0.53", sport: 5300 + i, dport: 53, payload: q }), 0.1);
    const a = dnsMessage({
      id: 7 + i,
      response: true,
      questions: [{ name: "backend.example", type: 1 }],
      answers: [{ name: "backend.example", type: 1, ttl: 30, data: "10.2.0.10" }],
    });
    cap.add(udpFrame({ src: "10.4.0.53", dst: "10.1.0.2", sport: 53, dport: 5300 + i, payload: a }), 0.01);
    cap.wait(30);
  }
  return cap.write(path.join(dir, "mixed.pcap"));
}

const byUid = (a: { uid: string }, b: { uid: string }) => Number(a.uid.slice(1)) - Number(b.uid.slice(1));

describe("flows streamed", () => {
  it("the JSON holds what the held summary holds, the records in end order", async () => {
    const f = mixed();
    const out = new Sink();
    await streamFlows([f], { ignoreChecksums: true }, "json", "backside.flows.v1", out);
    const doc = JSON.parse(out.text);
    const held = JSON.parse(JSON.stringify(await analyzeCapture([f], { ignoreChecksums: true })));
    expect(doc.schema).toBe("backside.flows.v1");
    expect(doc.tcp.length).toBe(6);
    expect(doc.datagrams.length).toBe(3);
    expect(doc.tls.length).toBe(3);
    for (const k of ["tcp", "datagrams", "tls"]) expect([...doc[k]].sort(byUid), k).toEqual(held[k]);
    // DNS transactions leave as they settle, so in an order of their own: the same ones.
    const text = (x: unknown) => JSON.stringify(x);
    expect(doc.dns.length).toBe(3);
    expect(doc.dns.map(text).sort()).toEqual(held.dns.map(text).sort());
    for (const k of ["captures", "packets", "icmp", "arp", "problems"]) expect(doc[k], k).toEqual(held[k]);
    expect(doc.icmp.map((e: { flowUid: string }) => e.flowUid)).toEqual(["T2", "T4", "T6"]);
  });

  it("the text has the held summary's lines", async () => {
    const f = mixed();
    const out = new Sink();
    await streamFlows([f], { ignoreChecksums: true }, "text", "backside.flows.v1", out);
    const held = flowSummaryLines(await analyzeCapture([f], { ignoreChecksums: true }));
    const streamed = out.text.split("\n");
    expect(streamed.pop()).toBe("");
    expect([...streamed].sort()).toEqual([...held].sort());
    // Headings in the held order; the capture's line last, known once it has been read.
    const headings = (l: string[]) => l.filter((x) => x.startsWith("## "));
    expect(headings(streamed)).toEqual(headings(held));
    expect(streamed.at(-1)).toMatch(/^# capture .*mixed\.pcap: pcap, link types 1, \d+ packets$/);
  });

  it("writes records while the capture is still being read", async () => {
    const cap = new CaptureBuilder();
    for (let i = 0; i < 8_000; i++) {
      const c = cap.tcp({ client: "10.1.0.2", server: "10.2.0.10", cport: 1024 + (i % 60000), sport: 80 });
      c.syn().synAck().ack().send("orig", "GET / HTTP/1.1\r\n\r\n").send("resp", "HTTP/1.1 200 OK\r\n\r\n");
      c.fin("orig").fin("resp");
      cap.wait(0.01);
    }
    const bytes = readFileSync(cap.write(path.join(dir, "many.pcap")));
    const out = new Sink();
    // Before each chunk of the capture is handed over: how much output there already is.
    const seen: number[] = [];
    async function* chunks(): AsyncIterable<Buffer> {
      for (let at = 0; at < bytes.length; at += 64 * 1024) {
        seen.push(out.text.length);
        yield bytes.subarray(at, at + 64 * 1024);
      }
    }
    await streamFlows([{ name: "many.pcap", stream: chunks() }], { ignoreChecksums: true }, "json", "s", out);
    expect(JSON.parse(out.text).tcp).toHaveLength(8_000);
    // Half-way through the file, most of the first half's connections are out already.
    const half = seen[Math.floor(seen.length / 2)];
    expect(half).toBeGreaterThan(out.text.length / 4);
  });
});

import { describe, expect, it } from "vitest";
import { dnsMessage } from "../pcap/testing/packets.js";
import { decodeDns } from "./dns.js";

describe("DNS messages (RFC 1035 section 4)", () => {
  const resp = dnsMessage({
    id: 0x1234,
    response: true,
    rcode: 0,
    ra: true,
    questions: [{ name: "backend.example", type: 1 }],
    answers: [
      { name: "backend.example", type: 5, ttl: 30, data: "real.example" },
      { name: "real.example", type: 1, ttl: 60, data: "10.100.2.10" },
    ],
  });
  it("decodes header, question and answers with TTLs", () => {
    const m = decodeDns(resp, 0, resp.length);
    expect(m.problems).toEqual([]);
    expect([m.id, m.response, m.rcode, m.recursionAvailable]).toEqual([0x1234, true, 0, true]);
    expect(m.questions).toEqual([{ name: "backend.example", type: 1, class: 1 }]);
    expect(m.records.map((r) => [r.type, r.ttl, r.data])).toEqual([
      [5, 30, "real.example"],
      [1, 60, "10.100.2.10"],
    ]);
  });
  it("a message cut inside its question (a snap length) keeps the question's whole labels", () => {
    // Header 12 bytes, then 8 of "backend" and 3 of "example": "backend" whole, the rest cut.
    const m = decodeDns(resp, 0, 23);
    expect([m.id, m.rcode, m.counts.an]).toEqual([0x1234, 0, 2]);
    expect(m.questions).toEqual([{ name: "backend", type: -1, class: -1, cut: true }]);
    expect(m.problems.map((p) => p.message)).toContain("question 1 cut short");
  });
  it("a message cut inside an answer keeps id, rcode and question and says where", () => {
    const m = decodeDns(resp, 0, resp.length - 3);
    expect([m.id, m.rcode, m.questions.length, m.records.length]).toEqual([0x1234, 0, 1, 1]);
    expect(m.problems[0].message).toMatch(/answer record 2/);
    expect(m.problems[0].offset).toBeGreaterThan(12);
  });
  it("a compression pointer loop is a problem, not a hang (RFC 1035 section 4.1.4)", () => {
    const b = Buffer.from(resp);
    const qname = 12;
    b[qname] = 0xc0;
    b[qname + 1] = qname; // points at itself
    const m = decodeDns(b, 0, b.length);
    expect(m.problems.some((p) => /pointer/.test(p.message))).toBe(true);
  });
  it("shorter than a header still yields the id", () => {
    const m = decodeDns(Buffer.from([0xab, 0xcd, 0x81]), 0, 3);
    expect(m.id).toBe(0xabcd);
    expect(m.problems[0].offset).toBe(0);
  });
  it("combines the EDNS extended rcode with the header rcode (RFC 6891 section 6.1.3)", () => {
    const opt = Buffer.from([0, 0, 41, 0x10, 0x00, 1, 0, 0, 0, 0, 0]); // root, OPT, udp 4096, ext-rcode 1
    const h = dnsMessage({ id: 1, response: true, rcode: 0, questions: [{ name: "a", type: 1 }] });
    h.writeUInt16BE(1, 10);
    const b = Buffer.concat([h, opt]);
    expect(decodeDns(b, 0, b.length).rcode).toBe(16);
  });
});

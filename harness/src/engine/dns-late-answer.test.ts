import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CaptureBuilder, dnsMessage, icmpErrorFrame, ipPacketOf, udpFrame } from "../pcap/testing/packets.js";
import { diagnose } from "./diagnose.js";
import { BACKEND, DNS, GW, NAME } from "./fixtures/scenes.js";

const dir = mkdtempSync(join(tmpdir(), "engine-dns-late-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Two tries 2 s apart, each answered 3 s after it was sent; `closed`: the gateway's resolver had
 * given up, so its host answered each answer with ICMP port unreachable (RFC 1122 4.1.3.1).
 */
function slowServer(path: string, closed: boolean): string {
  const cap = new CaptureBuilder();
  const tries = [0, 1].map((i) => ({ id: 200 + i, port: 41000 + i, t: cap.t + 2 * i }));
  const frames: { t: number; frame: Buffer }[] = [];
  for (const q of tries) {
    const questions = [{ name: NAME, type: 1 }];
    frames.push({
      t: q.t,
      frame: udpFrame({
        src: GW,
        dst: DNS,
        sport: q.port,
        dport: 53,
        payload: dnsMessage({ id: q.id, questions }),
      }),
    });
    const answer = udpFrame({
      src: DNS,
      dst: GW,
      sport: 53,
      dport: q.port,
      ttl: 63,
      payload: dnsMessage({
        id: q.id,
        response: true,
        ra: true,
        rcode: 0,
        questions,
        answers: [{ name: NAME, type: 1, ttl: 300, data: BACKEND }],
      }),
    });
    frames.push({ t: q.t + 3, frame: answer });
    if (closed)
      frames.push({
        t: q.t + 3.0001,
        frame: icmpErrorFrame({ src: GW, dst: DNS, type: 3, code: 3, quoted: ipPacketOf(answer) }),
      });
  }
  for (const f of frames.sort((a, b) => a.t - b.t)) cap.add(f.frame, f.t - cap.t);
  return cap.write(path);
}

describe("a DNS answer after the gateway stopped waiting", () => {
  it("is no answer: ICMP port unreachable from the gateway for it makes it late (dns.no-response)", async () => {
    const d = await diagnose({
      pcaps: [{ path: slowServer(join(dir, "late.pcap"), true) }],
      target: { host: NAME },
    });
    expect(d.cause, d.explanation).toBe("dns.no-response");
    expect(d.explanation).toMatch(
      /2 answers came 3\.0 s or more after their queries, when the gateway no longer waited/,
    );
    expect(
      d.evidence.some((e) =>
        /3\.0 s after the query, when 10\.100\.1\.10 no longer waited/.test(e.statement),
      ),
    ).toBe(true);
    expect(d.nextSteps.join(" ")).toMatch(/Raise the gateway's DNS timeout above 3\.0 s/);
  });

  it("counts each late answer once, though two capture points saw it", async () => {
    const a = slowServer(join(dir, "late-a.pcap"), true);
    const b = slowServer(join(dir, "late-b.pcap"), true);
    const d = await diagnose({ pcaps: [{ path: a }, { path: b }], target: { host: NAME } });
    expect(d.explanation).toMatch(/: 2 answers came/);
  });

  it("is an answer when the gateway's host took it (no ICMP after it)", async () => {
    const d = await diagnose({
      pcaps: [{ path: slowServer(join(dir, "taken.pcap"), false) }],
      target: { host: NAME },
    });
    expect(d.cause).not.toBe("dns.no-response");
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCapture } from "../pcap/reader.js";
import { CaptureBuilder, dnsMessage, udpFrame } from "../pcap/testing/packets.js";
import { FlowAnalyzer } from "./analyzer.js";
import { DNS_SETTLE } from "./dns-tracker.js";

const dir = mkdtempSync(join(tmpdir(), "flows-dns-tracker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A lookup a second for `n` seconds, answered 1 ms later; every fourth never answered. */
function lookups(path: string, n: number): string {
  const cap = new CaptureBuilder();
  for (let i = 0; i < n; i++) {
    const questions = [{ name: `svc${i % 5}.corp.test`, type: 1 }];
    const port = 30_000 + i;
    cap.add(
      udpFrame({
        src: "10.1.0.2",
        dst: "10.1.0.53",
        sport: port,
        dport: 53,
        payload: dnsMessage({ id: i, questions }),
      }),
      i === 0 ? 0 : 0.999,
    );
    const answer = dnsMessage({ id: i, response: true, ra: true, rcode: 3, questions });
    if (i % 4 !== 3)
      cap.add(
        udpFrame({ src: "10.1.0.53", dst: "10.1.0.2", sport: 53, dport: port, payload: answer }),
        0.001,
      );
    else cap.wait(0.001);
  }
  return cap.write(path);
}

describe("DNS transactions with a sink", () => {
  it(`go to it while the capture is read, an answered one ${DNS_SETTLE} s after its answer`, async () => {
    const file = lookups(join(dir, "lookups.pcap"), 600);
    let now = 0;
    const ended: { seq: number; answeredAt: number | null; at: number }[] = [];
    const a = new FlowAnalyzer({}, null, null, (t, seq) =>
      ended.push({ seq, answeredAt: t.response?.ts ?? null, at: now }),
    );
    const { info } = await readCapture(
      file,
      (p) => {
        now = p.ts;
        a.packet(p);
      },
      { capture: 0 },
    );
    const last = now;
    a.noteCapture(info);
    expect(a.finish().dns).toEqual([]);
    expect(ended.map((e) => e.seq).sort((x, y) => x - y)).toEqual([...Array(600).keys()]);
    const answered = ended.filter((e) => e.answeredAt !== null);
    expect(answered.length).toBe(450);
    for (const e of answered)
      if (e.answeredAt! < last - DNS_SETTLE - 1) {
        expect(e.at, `transaction ${e.seq}`).toBeGreaterThan(e.answeredAt! + DNS_SETTLE);
        expect(e.at, `transaction ${e.seq}`).toBeLessThan(e.answeredAt! + DNS_SETTLE + 1.01);
      }
    // The unanswered ones leave when their flow would have expired (a minute without a packet),
    // at the latest a sweep later: most before the capture ends.
    const unanswered = ended.filter((e) => e.answeredAt === null);
    expect(unanswered.length).toBe(150);
    expect(unanswered.filter((e) => e.at < last).length).toBeGreaterThan(100);
  });
});

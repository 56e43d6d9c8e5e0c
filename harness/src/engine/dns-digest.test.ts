import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeCapture } from "../flows/index.js";
import { CaptureBuilder, dnsMessage, icmpErrorFrame, ipPacketOf, udpFrame } from "../pcap/testing/packets.js";
import { analyzeOne } from "./capture-analysis.js";
import { diagnose } from "./diagnose.js";
import { BACKEND, DNS, GW, NAME } from "./fixtures/scenes.js";

const dir = mkdtempSync(join(tmpdir(), "engine-dns-digest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOOKUPS = 3000;

/**
 * A resolver-heavy gateway, a lookup every 50 ms for 150 s: six in ten answered with an address
 * (seven names), one NXDOMAIN, one SERVFAIL, one for the backend's name never answered (sent
 * twice), one for it answered 3 s late, after the gateway gave up (its ICMP port unreachable).
 */
function busyResolver(path: string): { unansweredAt: number[] } {
  const frames: { t: number; frame: Buffer }[] = [];
  const unansweredAt: number[] = [];
  const t0 = 1_700_000_000;
  for (let i = 0; i < LOOKUPS; i++) {
    const t = t0 + i * 0.05;
    const kind = i % 10;
    const name =
      kind < 6
        ? `svc${i % 7}.corp.test`
        : kind === 6
          ? "gone.corp.test"
          : kind === 9
            ? "broken.corp.test"
            : NAME;
    const questions = [{ name, type: 1 }];
    const port = 20_000 + (i % 30_000);
    const query = udpFrame({
      src: GW,
      dst: DNS,
      sport: port,
      dport: 53,
      payload: dnsMessage({ id: i, questions }),
    });
    frames.push({ t, frame: query });
    const rcode = kind === 6 ? 3 : kind === 9 ? 2 : 0;
    const answers =
      rcode === 0
        ? [{ name, type: 1, ttl: 300 - (i % 300), data: name === NAME ? BACKEND : `10.100.4.${i % 7}` }]
        : [];
    const answer = udpFrame({
      src: DNS,
      dst: GW,
      sport: 53,
      dport: port,
      payload: dnsMessage({ id: i, response: true, ra: true, rcode, questions, answers }),
    });
    if (kind === 7) {
      unansweredAt.push(t);
      frames.push({ t: t + 1, frame: query });
    } else if (kind === 8) {
      frames.push({ t: t + 3, frame: answer });
      frames.push({
        t: t + 3.0001,
        frame: icmpErrorFrame({ src: GW, dst: DNS, type: 3, code: 3, quoted: ipPacketOf(answer) }),
      });
    } else frames.push({ t: t + 0.001 * (1 + (i % 5)), frame: answer });
  }
  const cap = new CaptureBuilder(t0);
  for (const f of frames.sort((a, b) => a.t - b.t)) cap.add(f.frame, f.t - cap.t);
  cap.write(path);
  return { unansweredAt };
}

const file = join(dir, "busy.pcap");
const { unansweredAt } = busyResolver(file);

describe("a capture's DNS transactions folded as each ends", () => {
  it("keeps a few facts of each kind, with the counts and sums of all of them", async () => {
    const read = await analyzeOne(file);
    expect(read.summary.dns).toEqual([]);
    const whole = await analyzeCapture(file, { ignoreChecksums: true });
    expect(whole.dns.length).toBe(LOOKUPS);
    const facts = read.dns.facts(
      { point: 0, source: "busy" },
      (n) => n === NAME,
      NAME,
      read.tcp,
      read.summary.icmp,
    );
    // Eleven kinds (seven names answered, NXDOMAIN, SERVFAIL, unanswered, late), a few facts each.
    expect(facts.length).toBeLessThanOrEqual(11 * 5);
    const unanswered = facts.filter((f) => f.result === "unanswered");
    expect(new Set(unanswered.map((f) => f.all)).size).toBe(1);
    expect(unanswered[0].all).toEqual({
      facts: LOOKUPS / 10,
      queries: (2 * LOOKUPS) / 10,
      lateBy: undefined,
    });
    // The earliest ones by time are kept (the evidence the no-response rule shows), and the last.
    expect(unanswered.map((f) => f.time)).toEqual([
      ...unansweredAt.slice(0, 4),
      unansweredAt[unansweredAt.length - 1],
    ]);
    const late = facts.filter((f) => f.result === "late");
    expect(late[0].all.facts).toBe(LOOKUPS / 10);
    expect(late[0].all.lateBy).toBeCloseTo(3, 6);
    // In capture order, as the whole list was.
    expect(facts.map((f) => f.time)).toEqual([...facts.map((f) => f.time)].sort((a, b) => a - b));
  });

  it("reports every late answer and every unanswered query, not only the facts kept", async () => {
    const d = await diagnose({ pcaps: [{ path: file }], target: { host: NAME } });
    expect(d.cause, d.explanation).toBe("dns.no-response");
    expect(d.explanation).toMatch(/300 answers came 3\.0 s or more after their queries/);
    expect(d.confidence).toBe("high");
  });
});

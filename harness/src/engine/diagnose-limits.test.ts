/**
 * The engine on huge and damaged artifacts: no crash, ISO times or null, no empty statements, and
 * "no packets" said plainly. Each case here crashed or misreported before its fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { buildErrorReport } from "../appliance/index.js";
import { PcapngBuilder } from "../pcap/testing/pcapng.js";
import { tcpFrame } from "../pcap/testing/packets.js";
import { diagnose } from "./diagnose.js";
import { LOGS, logText, reportInput, type LogStep } from "./fixtures/artifacts.js";
import { BACKEND, GW } from "./fixtures/scenes.js";
import type { Diagnosis } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "engine-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (n: string) => join(dir, n);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function expectWellFormed(d: Diagnosis): void {
  for (const e of d.evidence) {
    expect(e.statement.trim()).not.toBe("");
    for (const t of e.times ?? []) if (t !== null) expect(t).toMatch(ISO);
  }
}

/** 200,000 lines, every one a catalogue event: 50,000 refused transactions. */
function bigLog(): string {
  const steps: LogStep[] = [];
  for (let tid = 0; steps.length < 200_000; tid++)
    for (const [name, params] of LOGS.refused as LogStep[]) steps.push([name, params, tid]);
  return logText(steps, 1);
}

describe("diagnose on huge inputs", { timeout: 60_000 }, () => {
  const text = bigLog();
  // Was `RangeError: Maximum call stack size exceeded` (exit 70) from spreading the facts.
  it("a 200,000-line log of catalogue events is read, and the events beyond the cap are said to be left out", async () => {
    writeFileSync(p("big.log"), text);
    const d = await diagnose({ logs: [p("big.log")] });
    expect(d.cause).toBe("tcp.refused");
    expect(d.partial).toBe(true);
    expect(d.problems.join("\n")).toMatch(/more than 50000 catalogue events.*\(truncated\)/);
    expectWellFormed(d);
  });
  it("the same log inside a gzipped error report is read through its default-log part", async () => {
    writeFileSync(p("big-report.txt.gz"), gzipSync(buildErrorReport(reportInput({ logText: text }))));
    const d = await diagnose({ errorReport: p("big-report.txt.gz") });
    expect(d.cause).toBe("tcp.refused");
    expect(d.partial).toBe(true);
    expectWellFormed(d);
  });
});

describe("diagnose on damaged captures", () => {
  it("a pcapng timestamp beyond the Date range gives a null time, not raw digits", async () => {
    const syn = tcpFrame({ src: GW, dst: BACKEND, sport: 40000, dport: 80, flags: "S" });
    const rst = tcpFrame({ src: BACKEND, dst: GW, sport: 80, dport: 40000, flags: "RA", ack: 1001 });
    const ng = new PcapngBuilder()
      .section()
      .iface({ linkType: 1, tsresol: 0 })
      .epb(0, 0xffff_ffff_ffff_fff0n, syn)
      .epb(0, 0xffff_ffff_ffff_fff1n, rst)
      .bytes();
    writeFileSync(p("far.pcapng"), ng);
    const d = await diagnose({ pcaps: [{ path: p("far.pcapng") }] });
    expect(d.cause).toBe("tcp.refused");
    const times = d.evidence.flatMap((e) => e.times ?? []);
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t === null)).toBe(true);
    expectWellFormed(d);
  });
  for (const [what, bytes] of [
    ["only a magic number", Buffer.from([0xd4, 0xc3, 0xb2, 0xa1])],
    ["only a file header", Buffer.from("d4c3b2a1020004000000000000000000ffff000001000000", "hex")],
  ] as const) {
    it(`a capture holding ${what} says "no packets" and is BAD_ARTIFACT (exit 3), not healthy/low`, async () => {
      writeFileSync(p("empty.pcap"), bytes);
      await expect(diagnose({ pcaps: [{ path: p("empty.pcap") }] })).rejects.toMatchObject({
        code: "BAD_ARTIFACT",
        message: expect.stringContaining("no packets"),
      });
    });
  }
  it("an empty capture beside a log is named in the problems and the log is diagnosed", async () => {
    writeFileSync(p("e.pcap"), Buffer.from("d4c3b2a1020004000000000000000000ffff000001000000", "hex"));
    writeFileSync(p("r.log"), logText(LOGS.refused as LogStep[]));
    const d = await diagnose({ pcaps: [{ path: p("e.pcap") }], logs: [p("r.log")] });
    expect(d.cause).toBe("tcp.refused");
    expect(d.problems.join("\n")).toMatch(/e\.pcap: no packets/);
  });
});

describe("diagnose on damaged logs", () => {
  // Found by bench/fuzz.ts: `connected[0]` of no connected transaction (TypeError, exit 70).
  it("a served transaction without its connect line beside a timed-out one is diagnosed, not a crash", async () => {
    const steps: LogStep[] = [
      ["bytesReceived", { bytes: 120, address: BACKEND, port: 80 }, 1],
      ["backendNoResponse", { address: BACKEND, port: 80, seconds: 3 }, 2],
      ["backsideFailed", {}, 2],
    ];
    writeFileSync(p("cut.log"), logText(steps));
    const d = await diagnose({ logs: [p("cut.log")] });
    expect(d.cause).toBe("backend.timeout");
    expectWellFormed(d);
  });
});

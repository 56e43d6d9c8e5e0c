import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, truncateSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOGS, writeLog, writeReport, type LogStep } from "./fixtures/artifacts.js";
import { SCENES, build } from "./fixtures/scenes.js";

// Through the real binary (tsx loader), as a user runs it.
const BIN = resolve(import.meta.dirname, "../../bin/backside.js");
const dir = mkdtempSync(join(tmpdir(), "engine-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (n: string) => join(dir, n);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "diagnose", ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("backside diagnose (CLI)", { timeout: 60_000 }, () => {
  it("--pcap= with no file is a usage error (exit 2), as for flows", () => {
    expect(cli("--pcap=").code).toBe(2);
  });

  it("a capture with only a file header exits 3 and says no packets", () => {
    writeFileSync(p("hdr.pcap"), Buffer.from("d4c3b2a1020004000000000000000000ffff000001000000", "hex"));
    const r = cli("--pcap", p("hdr.pcap"));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/no packets/);
  });

  it("prints JSON with the label as top-level cause", () => {
    const r = cli("--pcap", build(SCENES["tcp.refused"], p("r.pcap")), "--format", "json");
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.schema).toBe("backside.diagnosis.v1");
    expect(d.cause).toBe("tcp.refused");
    expect(d).toHaveProperty("alternatives");
    expect(d.capturePoints).toEqual({ order: [], died: null, statement: "" });
    expect(d.evidence[0].packets.length).toBeGreaterThan(0);
    expect(typeof d.partial).toBe("boolean");
  });

  it("prints text for a person: cause, confidence, numbered evidence and next steps", () => {
    const r = cli(
      "--log",
      writeLog(p("t.log"), LOGS.tls as LogStep[]),
      "--error-report",
      writeReport(p("t.txt")),
      "--target",
      "api.backside.test:443",
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cause: +tls\.handshake-failure/m);
    expect(r.out).toMatch(/^confidence: +(high|medium|low)/m);
    expect(r.out).toMatch(/^ {2}1\. /m);
    expect(r.out).toContain("next steps:");
  });

  it("--bundle reads a run's folder: every capture point, the log and the error report", () => {
    const b = resolve(import.meta.dirname, "fixtures/runs/net-wrong-route");
    const r = cli("--bundle", b, "--format", "json");
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.cause).toBe("net.wrong-route");
    // The same as naming each file (bundle evidence names the captures by file name only).
    const pcaps = readdirSync(b).filter((f) => f.endsWith(".pcap"));
    const named = JSON.parse(
      cli(
        ...pcaps.flatMap((f) => ["--pcap", join(b, f)]),
        ...["--log", join(b, "gateway.log"), "--error-report", join(b, "error-report.txt")],
        ...["--format", "json"],
      ).out,
    );
    const shape = (x: typeof d) => ({
      cause: x.cause,
      confidence: x.confidence,
      points: x.capturePoints.order.length,
      evidence: x.evidence.length,
      alternatives: x.alternatives,
    });
    expect(shape(d)).toEqual(shape(named));
    expect(d.capturePoints.order).toHaveLength(pcaps.length);
    // Inside --bundle, every path is relative to it: the folder may move.
    expect(r.out).not.toContain(b);
    expect(cli("--bundle", b).out).not.toContain(b);
    const missing = cli("--bundle", p("no-such-run"));
    expect(missing.code).toBe(3);
    expect(missing.err.trim().split("\n")).toHaveLength(1);
  });

  it("--format html prints one page with the path ladder, paths inside the bundle relative", () => {
    const b = resolve(import.meta.dirname, "fixtures/runs/tcp-silent-drop");
    const r = cli("--bundle", b, "--format", "html");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<!DOCTYPE html>/);
    expect(r.out).toContain("default-src 'none'");
    expect(r.out).toMatch(/<svg [^>]*data-ladder="path"/);
    expect(r.out).not.toContain(b);
  });

  it("a missing file is one line on stderr and exit 3", () => {
    const r = cli("--pcap", p("missing.pcap"));
    expect(r.code).toBe(3);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("missing.pcap");
  });

  it("a file that is not a capture (and nothing else) is one line and exit 3, no stack trace", () => {
    writeFileSync(p("text.pcap"), "just text\n");
    const r = cli("--pcap", p("text.pcap"));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/not a pcap or pcapng/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("a truncated capture still gives a diagnosis that says it is partial", () => {
    const path = build(SCENES["backend.closed"], p("tr.pcap"));
    truncateSync(path, statSync(path).size - 5);
    const r = cli("--pcap", path, "--format", "json");
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.partial).toBe(true);
    expect(d.problems.join(" ")).toMatch(/truncated/);
  });

  it("binary data and enormous lines as a log are named as problems, not crashes", () => {
    writeFileSync(p("bin.log"), Buffer.alloc(100_000, 0));
    const r1 = cli("--log", p("bin.log"));
    expect(r1.code).toBe(3);
    expect(r1.err).toMatch(/binary/);
    writeFileSync(p("huge.log"), "y".repeat(2_000_000) + "\n");
    const r2 = cli("--log", p("huge.log"), "--pcap", build(SCENES.healthy, p("h.pcap")), "--format", "json");
    expect(r2.code).toBe(0);
    const d = JSON.parse(r2.out);
    expect(d.cause).toBe("healthy");
    expect(d.partial).toBe(true);
  });

  it("bad flags are usage errors with exit 2", () => {
    expect(cli().code).toBe(2);
    expect(cli("--format", "yaml", "--log", "x").code).toBe(2);
    expect(cli("--target", "host:99999", "--log", "x").code).toBe(2);
    expect(cli("--frobnicate").code).toBe(2);
    expect(cli("--pcap").code).toBe(2);
  });

  it("--help prints the usage and exits 0", () => {
    const r = cli("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("--error-report");
  });
});

import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { writeCase, findCaseFiles } from "./case-folder.js";
import type { ScenarioRunResult } from "../runner/result-types.js";

function tree(d: string, out: string[] = [], root = d): string[] {
  for (const e of readdirSync(d, { withFileTypes: true }))
    if (e.isDirectory()) tree(join(d, e.name), out, root);
    else out.push(relative(root, join(d, e.name)));
  return out.sort();
}

function bundle(): string {
  const b = mkdtempSync(join(tmpdir(), "bundle-"));
  for (const f of [
    "gateway-mid.pcap",
    "firewall-back.pcap",
    "gateway.log",
    "error-report.txt",
    "steps.log",
    "result.json",
    "verdict.json",
    "firewall-ruleset.txt",
    "dns-queries.json",
    "backend-events.json",
    "gateway.stdout.log",
  ])
    writeFileSync(join(b, f), f);
  return b;
}

const r: ScenarioRunResult = {
  id: "tcp-silent-drop",
  scenario: "tcp-silent-drop",
  description: "d",
  repeat: 1,
  repeats: 1,
  expected: "tcp.silent-drop",
  diagnosed: "tcp.silent-drop",
  match: true,
  confidence: "high",
  explanation: "",
  evidence: [],
  nextSteps: [],
  partial: false,
  partialReasons: [],
  timings: { bringUp: 0, faultWait: 0, collect: 0, diagnose: 0, teardown: 0, total: 0 },
  bundle: "tcp-silent-drop",
  startedAt: "2026-11-25T02:00:00.000Z",
  runId: "r-test",
  artifacts: {
    pcaps: ["gateway-mid.pcap", "firewall-back.pcap"],
    gatewayLog: "gateway.log",
    errorReport: "error-report.txt",
    other: ["steps.log", "verdict.json", "firewall-ruleset.txt"],
  },
  requests: [{ index: 0, status: 0, exitCode: 28, seconds: 10.01 }],
  tags: [],
  alternatives: [],
  capturePoints: [],
  interrupted: false,
  gateway: "backside",
};

describe("writeCase", () => {
  it("copies only the appliance's evidence and what the client saw", () => {
    const c = mkdtempSync(join(tmpdir(), "case-"));
    writeCase(r, bundle(), c, [], "all");
    expect(tree(c)).toEqual([
      "client.txt",
      "error-report.txt",
      "firewall-back.pcap",
      "gateway-mid.pcap",
      "gateway.log",
    ]);
    expect(readFileSync(join(c, "client.txt"), "utf8")).toContain(
      "request 1: no HTTP answer (curl exit 28: timed out) after 10.01 s",
    );
  });

  it("puts each kind in its numbered stage, and keeps only the gateway's captures when asked", () => {
    const c = mkdtempSync(join(tmpdir(), "case-"));
    writeCase(r, bundle(), c, ["log", "report", "capture"], "gateway");
    expect(tree(c)).toEqual([
      "client.txt",
      "stage-1-log/gateway.log",
      "stage-2-report/error-report.txt",
      "stage-3-capture/gateway-mid.pcap",
    ]);
    const f = findCaseFiles(c);
    expect(f.log).toBe(join(c, "stage-1-log/gateway.log"));
    expect(f.captures).toEqual([join(c, "stage-3-capture/gateway-mid.pcap")]);
  });

  it("leaves out a kind not among the stages", () => {
    const c = mkdtempSync(join(tmpdir(), "case-"));
    writeCase(r, bundle(), c, ["capture", "log"], "all");
    expect(tree(c)).toEqual([
      "client.txt",
      "stage-1-capture/firewall-back.pcap",
      "stage-1-capture/gateway-mid.pcap",
      "stage-2-log/gateway.log",
    ]);
  });
});

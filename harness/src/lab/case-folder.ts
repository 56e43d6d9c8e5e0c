/**
 * One case of the learner's folder, copied out of a run's bundle: only what an engineer collects
 * (the captures, the gateway's log, the error report) and what the client saw, under neutral
 * names. With stages, each kind of artifact goes in its own numbered folder.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { RequestOutcome, ScenarioRunResult } from "../runner/result-types.js";
import type { DiagnoseInput } from "../engine/types.js";
import type { StageKind } from "./lab-key.js";

export type CaptureChoice = "all" | "gateway";

export interface CaseFiles {
  log?: string;
  report?: string;
  captures: string[];
}

/** `stage-1-log`, `stage-2-report`, …; without stages every file sits at the case's top. */
export function stageFolder(stages: readonly StageKind[], kind: StageKind): string {
  const i = stages.indexOf(kind);
  return i < 0 ? "" : `stage-${i + 1}-${kind}`;
}

const CURL_EXITS: Record<number, string> = {
  6: "could not resolve the gateway",
  7: "could not connect to the gateway",
  28: "timed out",
  52: "empty reply",
  56: "connection reset",
};

export function clientView(requests: readonly RequestOutcome[]): string {
  const lines = ["What the client saw (requests through the gateway, in order):", ""];
  if (!requests.length) lines.push("(no request was made)");
  for (const r of requests) {
    const got = r.status ? `HTTP ${r.status}` : "no HTTP answer";
    const curl = r.exitCode
      ? ` (curl exit ${r.exitCode}${CURL_EXITS[r.exitCode] ? `: ${CURL_EXITS[r.exitCode]}` : ""})`
      : "";
    lines.push(`request ${r.index + 1}: ${got}${curl} after ${r.seconds.toFixed(2)} s`);
  }
  return lines.join("\n") + "\n";
}

export function writeCase(
  result: ScenarioRunResult,
  bundleDir: string,
  caseDir: string,
  stages: readonly StageKind[],
  captures: CaptureChoice,
): CaseFiles {
  mkdirSync(caseDir, { recursive: true });
  const where = (kind: StageKind) => {
    const d = join(caseDir, stageFolder(stages, kind));
    mkdirSync(d, { recursive: true });
    return d;
  };
  const files: CaseFiles = { captures: [] };
  const copy = (from: string, kind: StageKind, name: string) => {
    if (stages.length && !stages.includes(kind)) return undefined;
    const src = join(bundleDir, from);
    if (!existsSync(src)) return undefined;
    const dst = join(where(kind), name);
    copyFileSync(src, dst);
    return dst;
  };
  if (result.artifacts.gatewayLog) files.log = copy(result.artifacts.gatewayLog, "log", "gateway.log");
  if (result.artifacts.errorReport)
    files.report = copy(
      result.artifacts.errorReport,
      "report",
      result.artifacts.errorReport.endsWith(".gz") ? "error-report.txt.gz" : "error-report.txt",
    );
  for (const p of result.artifacts.pcaps) {
    if (captures === "gateway" && !p.startsWith("gateway-")) continue;
    const dst = copy(p, "capture", p);
    if (dst) files.captures.push(dst);
  }
  writeFileSync(join(caseDir, "client.txt"), clientView(result.requests));
  return files;
}

export function caseInput(files: CaseFiles): DiagnoseInput {
  return {
    pcaps: files.captures.map((path) => ({ path, name: path.split("/").pop() })),
    logs: files.log ? [files.log] : [],
    ...(files.report ? { errorReport: files.report } : {}),
  };
}

/** The case's files found again on disk (for a case folder made earlier). */
export function findCaseFiles(caseDir: string): CaseFiles {
  const out: CaseFiles = { captures: [] };
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "gateway.log") out.log = p;
      else if (/^error-report\.txt(\.gz)?$/.test(e.name)) out.report = p;
      else if (e.name.endsWith(".pcap")) out.captures.push(p);
    }
  };
  walk(caseDir);
  out.captures.sort();
  return out;
}

/**
 * End to end through the real parts: topology (Docker), stand-in images, captures, the engine.
 * Needs: a Docker engine and the project's images (`npm run setup`, or `backside images build`).
 * Runs two scenarios from the committed catalogue and checks the verdict and the bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { loadCatalogue, selectScenarios } from "../scenarios/index.js";
import { diagnose } from "../engine/diagnose.js";
import { CleanupRegistry } from "../util/cleanup-registry.js";
import { runCatalogue } from "./run-catalogue.js";
import { ReporterMultiplexer, JsonReporter, JUnitReporter, HtmlReporter } from "../reporters/index.js";
import { analyzeCapture } from "../flows/index.js";
import type { RunSummary } from "./result-types.js";

const docker = new Docker();
const registry = new CleanupRegistry();
const reportDir = mkdtempSync(join(tmpdir(), "backside-run-int-"));
let summary: RunSummary;

beforeAll(async () => {
  await docker.ping();
  const scenarios = selectScenarios(loadCatalogue("scenarios"), ["healthy", "tcp-refused"]);
  const reporter = new ReporterMultiplexer([
    new JsonReporter(),
    new JUnitReporter(),
    new HtmlReporter((p) => analyzeCapture(p, { ignoreChecksums: true })),
  ]);
  summary = await runCatalogue({
    scenarios,
    repeats: 1,
    parallel: 2,
    reportDir,
    reporter,
    diagnose,
    docker,
    registry,
  });
}, 400_000);

afterAll(async () => {
  await registry.stopAll();
});

describe("backside run, end to end", () => {
  it("diagnoses each scenario as it expects, from the bundle alone", () => {
    const got = Object.fromEntries(summary.results.map((r) => [r.scenario, r.diagnosed]));
    expect(got).toEqual({ healthy: "healthy", "tcp-refused": "tcp.refused" });
    for (const r of summary.results) expect(r.error, r.id).toBeUndefined();
    // Each artifact alone: a refused connect shows in every one of them.
    const refused = summary.results.find((r) => r.scenario === "tcp-refused")!;
    expect(Object.keys(refused.byArtifact ?? {}).sort()).toEqual(["captures", "log", "report"]);
    expect(refused.byArtifact?.captures).toEqual({ cause: "tcp.refused", confidence: "high" });
  });

  it("leaves a full bundle per scenario", () => {
    for (const name of ["healthy", "tcp-refused"]) {
      const b = join(reportDir, name);
      const why = summary.results.find((r) => r.scenario === name)?.partialReasons.join("; ") ?? "";
      for (const f of [
        "gateway-mid.pcap",
        "firewall-mid.pcap",
        "firewall-back.pcap",
        "backend-back.pcap",
        "gateway.log",
        "error-report.txt",
        "verdict.json",
        "steps.log",
      ]) {
        expect(existsSync(join(b, f)), `${name}/${f} (${why})`).toBe(true);
      }
      expect(statSync(join(b, "gateway-mid.pcap")).size).toBeGreaterThan(24);
      expect(readFileSync(join(b, "error-report.txt"), "utf8")).toContain("DataPower Error Report");
      const verdict = JSON.parse(readFileSync(join(b, "verdict.json"), "utf8"));
      expect(verdict.input.pcaps.length).toBe(4);
    }
  });

  it("writes report.json, junit.xml and index.html with timings and a ladder", () => {
    const doc = JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8"));
    expect(doc.complete).toBe(true);
    for (const r of doc.results)
      for (const k of ["bringUp", "faultWait", "collect", "diagnose"])
        expect(r.timings[k], `${r.id} ${k}`).toBeGreaterThan(0);
    expect(readFileSync(join(reportDir, "junit.xml"), "utf8")).toMatch(/<testsuite [^>]*tests="2"/);
    expect(readFileSync(join(reportDir, "index.html"), "utf8")).toMatch(/<svg[^>]*class="ladder"/);
  });

  it("removes every container and network it made", async () => {
    // One query per run: several label filters in one query must all match (AND), which no
    // resource of two different runs ever does.
    for (const r of summary.results) {
      const filters = { label: [`backside.run=${r.runId}`] };
      expect(await docker.listContainers({ all: true, filters }), r.runId).toEqual([]);
      expect(await docker.listNetworks({ filters }), r.runId).toEqual([]);
    }
  });
});

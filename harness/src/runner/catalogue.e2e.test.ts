/**
 * The main job as CI's regression check: every scenario in scenarios/ reproduced for real,
 * captured, diagnosed from its bundle alone, and compared with the cause it declares.
 * Runs as its own vitest project (`e2e`), after the others. Needs a Docker engine and the project's images (`npm run setup`). Takes several minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { loadCatalogue } from "../scenarios/index.js";
import { diagnose } from "../engine/diagnose.js";
import { CleanupRegistry } from "../util/cleanup-registry.js";
import { runCatalogue } from "./run-catalogue.js";
import { ReporterMultiplexer, JsonReporter, JUnitReporter } from "../reporters/index.js";
import { CAUSES } from "../taxonomy.js";
import type { RunSummary } from "./result-types.js";

const docker = new Docker();
const registry = new CleanupRegistry();
const reportDir = mkdtempSync(join(tmpdir(), "backside-catalogue-int-"));
const scenarios = loadCatalogue("scenarios");
let summary: RunSummary;

beforeAll(async () => {
  await docker.ping();
  summary = await runCatalogue({
    scenarios,
    repeats: 1,
    parallel: 2,
    reportDir,
    reporter: new ReporterMultiplexer([new JsonReporter(), new JUnitReporter()]),
    diagnose,
    docker,
    registry,
  });
}, 2_400_000);

afterAll(async () => {
  await registry.stopAll();
});

/**
 * Everything CI's log can keep of a mismatch, since the bundle stays on CI's machine: the
 * engine's explanation and evidence, each artifact's own verdict and what the client got.
 */
function mismatch(r: RunSummary["results"][number]): string {
  const head = `${r.scenario}: expected ${r.expected}, diagnosed ${r.diagnosed ?? "-"} (${r.confidence ?? "-"})`;
  const lines = [
    `${head}${r.error ? ` (${r.error.code}: ${r.error.message})` : ""} [${reportDir}/${r.scenario}]`,
    `  explanation: ${r.explanation}`,
    ...r.evidence.slice(0, 12).map((e) => `  evidence: ${e.text}${e.source ? ` [${e.source}]` : ""}`),
    `  by artifact: ${JSON.stringify(r.byArtifact ?? {})}`,
    `  requests: ${r.requests.map((q) => `#${q.index} ${q.status}/${q.exitCode} ${q.seconds}s`).join(", ")}`,
    ...(r.partial ? [`  partial: ${r.partialReasons.join("; ")}`] : []),
  ];
  return lines.join("\n");
}

describe("backside run --all", () => {
  it("covers every cause label with at least one scenario", () => {
    const expected = new Set(scenarios.map((s) => s.expect));
    expect(CAUSES.filter((c) => !expected.has(c))).toEqual([]);
  });

  it("diagnoses every scenario as the cause it injects", () => {
    const wrong = summary.results.filter((r) => !r.match).map(mismatch);
    expect(wrong).toEqual([]);
    expect(summary.results.length).toBe(scenarios.length);
  });

  it("writes a JUnit test case per scenario", () => {
    const xml = readFileSync(join(reportDir, "junit.xml"), "utf8");
    expect(xml.match(/<testcase /g)?.length).toBe(scenarios.length);
  });

  it("leaves no container or network behind", async () => {
    for (const r of summary.results) {
      const filters = { label: [`backside.run=${r.runId}`] };
      expect(await docker.listContainers({ all: true, filters }), r.runId).toEqual([]);
      expect(await docker.listNetworks({ filters }), r.runId).toEqual([]);
    }
  });
});

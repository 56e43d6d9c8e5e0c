/**
 * CI's check of the real gateways: nginx and HAProxy each over a subset of the catalogue with one
 * scenario per label they support, reproduced, captured and diagnosed from the bundle alone.
 * Short on purpose (about 4 minutes on two cores, two scenarios at a time); `backside run --all
 * --gateway nginx|haproxy` runs the whole catalogue.
 *
 * It is also where the engine's dialect fixtures come from: with BACKSIDE_UPDATE_FIXTURES=1 each
 * run's gateway logs are copied, as the products wrote them, into
 * harness/src/engine/dialects/fixtures/<gateway>/ (read by the dialects' unit tests).
 * Needs Docker and the images (`backside images build`).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../../engine/diagnose.js";
import { JsonReporter, ReporterMultiplexer } from "../../reporters/index.js";
import { loadCatalogue, selectScenarios } from "../../scenarios/index.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import type { RunSummary } from "../result-types.js";
import { runCatalogue } from "../run-catalogue.js";

/** One scenario per label, the quickest of each. */
const GATEWAY_SUBSET = [
  "healthy-by-address",
  "dns-nxdomain",
  "dns-servfail",
  "dns-refused",
  "dns-no-address",
  "dns-no-response",
  "dns-not-configured",
  "dns-stale-cache",
  "tcp-silent-drop",
  "tcp-refused",
  "tcp-rejected-icmp",
  "net-host-unreachable-address",
  "net-wrong-route",
  "backend-overloaded",
  "backend-timeout",
  "backend-closed",
  "backend-reset",
  "tls-unknown-ca",
  "net-packet-loss",
];

const FIXTURES = join(import.meta.dirname, "../../engine/dialects/fixtures");
const docker = new Docker();
const registry = new CleanupRegistry();
const reportDir = mkdtempSync(join(tmpdir(), "backside-gateways-e2e-"));
let summary: RunSummary;

beforeAll(async () => {
  await docker.ping();
  summary = await runCatalogue({
    scenarios: selectScenarios(loadCatalogue("scenarios"), GATEWAY_SUBSET),
    gateways: ["nginx", "haproxy"],
    repeats: 1,
    parallel: 2,
    reportDir,
    reporter: new ReporterMultiplexer([new JsonReporter()]),
    diagnose,
    docker,
    registry,
  });
  if (process.env.BACKSIDE_UPDATE_FIXTURES === "1") keepLogs(summary);
}, 900_000);

afterAll(() => registry.stopAll());

function keepLogs(s: RunSummary): void {
  for (const r of s.results) {
    if (r.notApplicable !== undefined) continue;
    const out = join(FIXTURES, r.gateway);
    mkdirSync(out, { recursive: true });
    for (const [file, suffix] of [
      ["gateway.log", ""],
      ["gateway-access.log", ".access"],
    ]) {
      const from = join(reportDir, r.bundle, file);
      if (existsSync(from)) copyFileSync(from, join(out, `${r.scenario}${suffix}.log`));
    }
  }
}

describe("nginx and HAProxy as the gateway", () => {
  it("every applicable scenario is diagnosed as it expects", () => {
    const wrong = summary.results
      .filter((r) => r.notApplicable === undefined && !r.match)
      .map(
        (r) =>
          `${r.id}: expected ${r.expected}, diagnosed ${r.diagnosed ?? "-"} (${r.error?.message ?? r.explanation}) [${reportDir}/${r.bundle}]`,
      );
    expect(wrong).toEqual([]);
    expect(summary.results.length).toBe(2 * GATEWAY_SUBSET.length);
  });

  it("the not-applicable ones say why, and only those", () => {
    const na = summary.results.filter((r) => r.notApplicable !== undefined);
    expect(na.map((r) => r.id).sort()).toEqual(["dns-stale-cache@haproxy"]);
    for (const r of na) expect(r.notApplicable).toMatch(/re-resolves/);
  });

  it("each bundle holds the product's own log", () => {
    for (const r of summary.results.filter((x) => x.notApplicable === undefined)) {
      expect(r.gateway, r.id).toMatch(/^(nginx|haproxy)$/);
      expect(r.artifacts.gatewayLog, r.id).toBe("gateway.log");
      expect(r.artifacts.errorReport, r.id).toBeUndefined();
    }
  });
});

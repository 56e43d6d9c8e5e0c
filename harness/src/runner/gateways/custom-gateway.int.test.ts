/**
 * The bring-your-own gateway contract (README), run with a plain image of ours: the nginx image
 * started through `gateway.image` with a template that uses only the contract's placeholders.
 * The harness has no nginx knowledge on this path; the bundle's log is the image's own file.
 * Needs Docker and the images (`backside images build`).
 */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { diagnose } from "../../engine/diagnose.js";
import { imageRef } from "../../images/catalog.js";
import { parseScenario } from "../../scenarios/load-scenario.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { runScenario } from "../run-scenario.js";
import { SlotPicker } from "../slot-picker.js";

const docker = new Docker();
const registry = new CleanupRegistry();
const dir = mkdtempSync(join(tmpdir(), "backside-byo-"));
copyFileSync(
  join(import.meta.dirname, "fixtures/byo/nginx-gateway.conf.tmpl"),
  join(dir, "gateway.conf.tmpl"),
);

function scenario(name: string, expect: string, backendMode: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `description: bring-your-own gateway, ${expect}`,
      `expect: ${expect}`,
      "gateway:",
      "  backend: { host: backend }",
      "  image:",
      `    name: ${imageRef("nginx")}`,
      "    config: { template: gateway.conf.tmpl, path: /etc/byo/gateway.conf }",
      "    logs: [/var/log/backside/byo-error.log]",
      '    cmd: [nginx, -c, /etc/byo/gateway.conf, -g, "daemon off;"]',
      `backend: { mode: ${backendMode} }`,
      "timeoutSeconds: 30",
      "",
    ].join("\n"),
  );
  return parseScenario(readFileSync(file, "utf8"), file);
}

afterAll(() => registry.stopAll());

describe("a custom gateway image through the contract", () => {
  it.each([
    ["byo-healthy", "healthy", "healthy"],
    ["byo-refused", "tcp.refused", "not-listening"],
  ])("%s: the image's own log lands in the bundle and the engine reads it", async (name, expected, mode) => {
    const reportDir = join(dir, "report");
    const r = await runScenario({
      scenario: scenario(name, expected, mode),
      repeat: 1,
      repeats: 1,
      reportDir,
      diagnose,
      slots: new SlotPicker(docker),
      docker,
      registry,
    });
    expect(r.gateway).toBe("custom");
    expect(r.error).toBeUndefined();
    expect(r.diagnosed).toBe(expected);
    const log = readFileSync(join(reportDir, name, "gateway.log"), "utf8");
    expect(log).toMatch(/\[notice\] \d+#\d+: nginx\/1\.22/);
    if (mode === "not-listening") {
      expect(log).toMatch(/connect\(\) failed \(111: Connection refused\) while connecting to upstream/);
      expect(r.byArtifact?.log?.cause).toBe("tcp.refused");
    }
  });
});

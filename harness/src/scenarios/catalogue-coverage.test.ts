import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAULT_ACTIONS, uncovered } from "./catalogue-coverage.js";
import { loadCatalogue } from "./load-catalogue.js";
import { parseScenario } from "./load-scenario.js";

describe("catalogue coverage of the stand-ins", () => {
  const all = loadCatalogue("scenarios");

  it("every DNS mode, backend mode and firewall fault kind is used by a scenario", () => {
    expect(uncovered(all)).toEqual({ dnsModes: [], backendModes: [], faultActions: [] });
  });

  it("reads the fault kinds from the schema", () => {
    expect(FAULT_ACTIONS).toEqual(["drop", "reject", "loss", "rate-limit"]);
  });

  it("names what a catalogue leaves out, counting modes and faults set by steps", () => {
    const one = parseScenario(
      "description: x\nexpect: healthy\nsteps:\n  - request: {}\n  - set: { backend: { mode: hang }, firewall: { faults: [{ action: loss, percent: 5 }] } }\n",
      "scenarios/a.yaml",
    );
    const u = uncovered([one]);
    expect(u.dnsModes).not.toContain("answer");
    expect(u.dnsModes).toContain("slow");
    expect(u.backendModes).not.toContain("hang");
    expect(u.backendModes).not.toContain("healthy");
    expect(u.backendModes).toContain("overloaded");
    expect(u.faultActions).toEqual(["drop", "reject", "rate-limit"]);
    // Without the new scenarios the committed catalogue falls behind again.
    const without = all.filter(
      (s) => !["dns-slow", "dns-truncated-tcp-retry", "firewall-rate-limit"].includes(s.name),
    );
    expect(uncovered(without)).toMatchObject({
      dnsModes: ["slow", "truncate"],
      faultActions: ["rate-limit"],
    });
  });
});

describe("scenarios/README.md", () => {
  it("lists every scenario of the catalogue with the label it expects", () => {
    const readme = readFileSync("scenarios/README.md", "utf8");
    const missing = loadCatalogue("scenarios").filter(
      (s) => !readme.includes(`| \`${s.name}\` | ${s.expect} |`),
    );
    expect(missing.map((s) => s.name)).toEqual([]);
  });
});

/** A lab key and case folders without running anything, for grading and reveal tests. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Cause } from "../../taxonomy.js";
import type { KeyCase, LabKey, StageKind } from "../lab-key.js";

export function keyCase(name: string, label: Cause, extra: Partial<KeyCase> = {}): KeyCase {
  return {
    case: name,
    label,
    scenario: `scn-${label.replace(".", "-")}`,
    description: `what happens in ${name}`,
    engine: {
      cause: label,
      confidence: "high",
      explanation: `the evidence says ${label}`,
      evidence: [],
      nextSteps: [],
    },
    alone: {},
    injected: ['firewall: { action: "drop" }'],
    bundle: "/nonexistent",
    result: "/nonexistent/result.json",
    ...extra,
  };
}

export function syntheticLab(dir: string, labels: Cause[], stages: StageKind[] = []): LabKey {
  const cases = labels.map((l, i) => keyCase(`case-0${i + 1}`, l));
  for (const c of cases) {
    mkdirSync(join(dir, "cases", c.case), { recursive: true });
    stages.forEach((s, i) => mkdirSync(join(dir, "cases", c.case, `stage-${i + 1}-${s}`)));
  }
  return { version: 1, createdAt: "2026-12-01T00:00:00.000Z", seed: 1, labDir: dir, stages, cases };
}

import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleInput } from "../runner/diagnose-bundle.js";
import { diagnose } from "./diagnose.js";
import { DIAGNOSIS_SCHEMA, diagnosisJson } from "./diagnosis-json.js";

const RUNS = resolve(import.meta.dirname, "fixtures/runs");
const bundles = readdirSync(RUNS).sort();

/** Every key path of a JSON value, lists collapsed to their first element's shape. */
function shape(v: unknown, at = ""): string[] {
  if (Array.isArray(v)) return [at + "[]", ...(v.length ? shape(v[0], at + "[]") : [])];
  if (v && typeof v === "object")
    return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...shape(x, `${at}.${k}`)]);
  return [];
}

describe("diagnosis JSON", () => {
  it("has a schema and the same top-level and evidence keys for every golden bundle", async () => {
    const keys = new Set<string>();
    for (const b of bundles) {
      const dir = join(RUNS, b);
      const j = diagnosisJson(await diagnose(bundleInput(dir)), dir);
      expect(j.schema).toBe(DIAGNOSIS_SCHEMA);
      const top = Object.keys(j).sort().join(",");
      keys.add(top);
      for (const e of j.evidence)
        expect(Object.keys(e).sort()).toEqual([
          "kind",
          "lines",
          "packets",
          "part",
          "places",
          "source",
          "statement",
          "times",
        ]);
      expect(Object.keys(j.backend).sort()).toEqual(["addresses", "host", "port"]);
      // Nothing names the folder the bundle happens to be in.
      expect(JSON.stringify(j), b).not.toContain(RUNS);
    }
    expect([...keys]).toHaveLength(1);
  });

  it("keeps every key when the engine found nothing (empty lists and nulls)", () => {
    const j = diagnosisJson({
      cause: "healthy",
      confidence: "low",
      title: "t",
      explanation: "e",
      evidence: [],
      nextSteps: [],
      partial: true,
      problems: [],
    });
    const full = diagnosisJson({
      cause: "tcp.refused",
      confidence: "high",
      title: "t",
      explanation: "e",
      evidence: [],
      nextSteps: [],
      alternatives: [],
      capturePoints: { order: [], died: { kind: "no-syn" }, statement: "" },
      backend: { host: "h", addresses: [], port: 80 },
      partial: false,
      problems: [],
    });
    const keys = (x: object) =>
      shape(x).filter((k) => !k.includes("[].") && !k.startsWith(".capturePoints.died."));
    expect(keys(j)).toEqual(keys(full));
    expect(j).toMatchObject({
      alternatives: [],
      capturePoints: { order: [], statement: "" },
      backend: { host: null, port: null },
    });
  });
});

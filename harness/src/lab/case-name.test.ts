import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caseName, normaliseCase } from "./case-name.js";
import { caseStages, normaliseStage } from "./lab-folder.js";

describe("case names and stages", () => {
  it("numbers cases with at least two digits, and takes what people type", () => {
    expect(caseName(0, 5)).toBe("case-01");
    expect(caseName(99, 120)).toBe("case-100");
    const known = ["case-01", "case-02", "case-10"];
    expect(["1", "01", "case-1", "CASE-01", "case-01"].map((x) => normaliseCase(x, known))).toEqual(
      Array(5).fill("case-01"),
    );
    expect(normaliseCase("10", known)).toBe("case-10");
    expect(() => normaliseCase("3", known)).toThrow(/no case '3'/);
  });

  it("reads a case's stages in order and takes a stage by number or name", () => {
    const d = mkdtempSync(join(tmpdir(), "stages-"));
    for (const s of ["stage-2-report", "stage-1-log", "stage-3-capture", "other"]) mkdirSync(join(d, s));
    const stages = caseStages(d);
    expect(stages).toEqual(["log", "report", "capture"]);
    expect(normaliseStage("2", stages)).toBe("report");
    expect(normaliseStage("capture", stages)).toBe("capture");
    expect(() => normaliseStage("4", stages)).toThrow(
      expect.objectContaining({ code: "USAGE", hint: "stages: 1 log, 2 report, 3 capture" }),
    );
    expect(() => normaliseStage("1", [])).toThrow(
      expect.objectContaining({ hint: "this lab has no stages" }),
    );
  });
});

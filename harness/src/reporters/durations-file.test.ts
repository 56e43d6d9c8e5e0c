import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBacksideError } from "../errors.js";
import { durationsOf, readDurations, writeDurations } from "./durations-file.js";
import { result } from "./testing/synthetic-run.js";

const timed = (id: string, total: number, extra = {}) =>
  result(id, "healthy", "healthy", {
    timings: { bringUp: 0, faultWait: 0, collect: 0, diagnose: 0, teardown: 0, total },
    ...extra,
  });

describe("scenarios/durations.json", () => {
  it("a scenario's duration is the mean of its runs that ran; other runs say nothing", () => {
    const d = durationsOf([
      timed("healthy-1", 4000, { scenario: "healthy" }),
      timed("healthy-2", 6000, { scenario: "healthy" }),
      timed("slow", 9000, { error: { code: "TIMEOUT", message: "x" } }),
      timed("cut", 9000, { interrupted: true }),
      timed("na", 0, { notApplicable: "cannot" }),
    ]);
    expect([...d]).toEqual([["healthy", 5000]]);
  });

  it("updates the entries it measured, keeps the others, names sorted", () => {
    const f = join(mkdtempSync(join(tmpdir(), "dur-")), "durations.json");
    expect(readDurations(f).size).toBe(0);
    writeDurations(
      f,
      new Map([
        ["zeta", 1],
        ["alpha", 2],
      ]),
      new Map([
        ["alpha", 3],
        ["beta", 4],
      ]),
    );
    expect(readFileSync(f, "utf8")).toBe(
      '{\n  "schema": "backside.durations.v1",\n  "scenarios": {\n    "alpha": 3,\n    "beta": 4,\n    "zeta": 1\n  }\n}\n',
    );
    expect([...readDurations(f)]).toEqual([
      ["alpha", 3],
      ["beta", 4],
      ["zeta", 1],
    ]);
  });

  it("a broken file is INVALID_INPUT naming the file and what to do", () => {
    const dir = mkdtempSync(join(tmpdir(), "dur-"));
    for (const [text, what] of [
      ["{", /not JSON/],
      ['{"schema":"x","scenarios":{}}', /not a backside.durations.v1 file/],
      ['{"schema":"backside.durations.v1","scenarios":{"a":"slow"}}', /scenarios.a must be a number/],
    ] as const) {
      const f = join(dir, "d.json");
      writeFileSync(f, text);
      try {
        readDurations(f);
        expect.unreachable(text);
      } catch (e) {
        expect(isBacksideError(e) && e.code).toBe("INVALID_INPUT");
        expect((e as Error).message).toMatch(what);
        expect((e as Error).message.startsWith(`${f}: `)).toBe(true);
      }
    }
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { basename } from "node:path";
import { makeReportDir } from "./report-dir.js";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("report folder", () => {
  it("two runs started in the same second get folders of their own", () => {
    const now = new Date("2000-01-01T00:00:00.123Z");
    const a = makeReportDir(undefined, now);
    made.push(a.dir);
    const b = makeReportDir(undefined, now);
    made.push(b.dir);
    expect(basename(a.dir)).toBe("2000-01-01T000000Z");
    expect(basename(b.dir)).toBe("2000-01-01T000000Z-2");
    expect(a.isDefault && b.isDefault).toBe(true);
  });
});

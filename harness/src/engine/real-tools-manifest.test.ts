import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHostPort } from "./backend-target.js";
import { CLIENT_CAPTURE_LABELS, REAL_TOOLS_DIR, readRealToolsManifest } from "./fixtures/real-tools.js";

// The corpus is regenerated only by test/real-tools/make.sh (root, namespaces); this checks what
// is committed: every label a client-side capture can show, each from two client stacks or more.
const cases = readRealToolsManifest();

describe("real-tools corpus manifest", () => {
  it("has every label a client capture can show, each from at least two client stacks", () => {
    const stacks = new Map<string, Set<string>>();
    for (const c of cases) stacks.set(c.label, (stacks.get(c.label) ?? new Set()).add(c.stack));
    const thin = CLIENT_CAPTURE_LABELS.filter((l) => (stacks.get(l)?.size ?? 0) < 2);
    expect(thin).toEqual([]);
  });

  const files = (c: (typeof cases)[number]) => [c.file, ...(c.moreFiles ?? [])];

  it("names capture files that are pcap or pcapng for every case, and a target the CLI accepts", () => {
    for (const c of cases) {
      for (const f of files(c)) {
        const magic = readFileSync(join(REAL_TOOLS_DIR, f)).subarray(0, 4).toString("hex");
        expect(["d4c3b2a1", "a1b2c3d4", "4d3cb2a1", "a1b23c4d", "0a0d0d0a"], f).toContain(magic);
      }
      if (c.target !== null) expect(parseHostPort(c.target), c.case).toBeDefined();
    }
  });

  it("stays small enough to commit (under 2 MB in all)", () => {
    const total = cases.reduce(
      (n, c) => n + files(c).reduce((m, f) => m + statSync(join(REAL_TOOLS_DIR, f)).size, 0),
      0,
    );
    expect(total).toBeLessThan(2_000_000);
  });

  it("holds the tricky healthy and failing shapes named in the corpus's purpose", () => {
    const names = cases.map((c) => c.case);
    for (const shape of [
      "healthy-https12",
      "healthy-https13",
      "fallback",
      "busy",
      "one-retransmit",
      "nginx444",
      "arp",
      "router-any",
      "pcapng",
      "client-and-server",
      "snap96",
      "noise",
      "midstream",
      "-cut-",
    ]) {
      expect(
        names.some((n) => n.includes(shape)),
        shape,
      ).toBe(true);
    }
  });
});

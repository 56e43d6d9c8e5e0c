import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diagnose } from "./diagnose.js";
import { SCENES, build } from "./fixtures/scenes.js";
import { CAUSES, type Cause } from "../taxonomy.js";

const dir = mkdtempSync(join(tmpdir(), "engine-cap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Labels a gateway-side capture alone settles; the others need a log or report (tests elsewhere).
const NEEDS_MORE_THAN_A_CAPTURE: readonly Cause[] = ["dns.not-configured"];
const FROM_CAPTURE_ALONE = CAUSES.filter((c) => !NEEDS_MORE_THAN_A_CAPTURE.includes(c));

describe("diagnose from one gateway-side capture", () => {
  for (const cause of FROM_CAPTURE_ALONE) {
    it(`a ${cause} capture is diagnosed as ${cause}`, async () => {
      const path = build(SCENES[cause as keyof typeof SCENES], join(dir, `${cause}.pcap`));
      const d = await diagnose({ pcaps: [{ path }], target: { host: "api.backside.test" } });
      expect(
        d.cause,
        `${d.explanation}\n${JSON.stringify(d.evidence, null, 1)}\n${JSON.stringify(d.alternatives)}`,
      ).toBe(cause);
      expect(d.evidence.length).toBeGreaterThan(0);
      expect(d.evidence.some((e) => e.kind === "capture" && (e.packets?.length ?? 0) > 0)).toBe(true);
      expect(d.partial).toBe(false);
    });
  }
});

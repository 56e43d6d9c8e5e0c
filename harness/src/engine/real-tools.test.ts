import { describe, expect, it } from "vitest";
import { diagnoseRealToolsCase, readRealToolsManifest } from "./fixtures/real-tools.js";

/**
 * Every case of the real-tools corpus (test/real-tools/corpus, made by test/real-tools/make.sh):
 * captures that other stacks made, each with the label its mechanism must get.
 */
const cases = readRealToolsManifest();

describe("engine on captures of real tools (curl, wget, Python; nginx, openssl, dnsmasq, unbound, nftables)", () => {
  for (const c of cases) {
    it(`${c.case}: ${c.mechanism} -> ${c.label}`, async () => {
      const d = await diagnoseRealToolsCase(c);
      expect(d.cause).toBe(c.label);
      // Found in what the capture holds, not guessed for want of the backend's conversation.
      expect(d.confidence, "confidence").not.toBe("low");
      expect(d.partial, "partial").toBeFalsy();
    });
  }
});

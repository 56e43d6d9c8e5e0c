import { describe, expect, it } from "vitest";
import { diagnoseRealToolsCase, readRealToolsManifest } from "./fixtures/real-tools.js";

/**
 * Cases of the real-tools corpus (test/real-tools/corpus, made by test/real-tools/make.sh) that the
 * engine gets wrong today. Each runs as an expected failure, so a fix that makes one right fails
 * here until it is taken off this list.
 */
const KNOWN_WRONG: readonly string[] = [
  "dns-no-address-busy-curl",
  "dns-no-address-busy-wget",
  "healthy-fallback-v6-dropped-curl",
  "healthy-https12-curl",
  "healthy-https12-nginx-curl",
  "healthy-https13-curl",
  "healthy-loopback-fallback-python",
  "tls-hostname-mismatch-curl",
  "tls12-unknown-ca-wget",
  "tls13-unknown-ca-wget",
];

const cases = readRealToolsManifest();

describe("engine on captures of real tools (curl, wget, Python; nginx, openssl, dnsmasq, unbound, nftables)", () => {
  for (const c of cases) {
    const run = KNOWN_WRONG.includes(c.case) ? it.fails : it;
    run(`${c.case}: ${c.mechanism} -> ${c.label}`, async () => {
      const d = await diagnoseRealToolsCase(c);
      expect(d.cause).toBe(c.label);
    });
  }

  it("lists only cases that exist in the corpus as known wrong", () => {
    const names = new Set(cases.map((c) => c.case));
    expect(KNOWN_WRONG.filter((n) => !names.has(n))).toEqual([]);
  });
});

import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestPki } from "./test-pki.js";

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki({ hostName: "backend.backside.test", ip: "10.100.2.10", runId: "unit" });
});
afterAll(async () => {
  await pki?.dispose();
});

describe("test PKI made with the openssl CLI", () => {
  it("the good certificate is valid now, for the host name and IP, and chains to the CA", () => {
    const c = new X509Certificate(pki.good.cert);
    const ca = new X509Certificate(pki.caCert);
    expect(c.checkIssued(ca)).toBe(true);
    expect(c.verify(ca.publicKey)).toBe(true);
    expect(c.checkHost("backend.backside.test")).toBe("backend.backside.test");
    expect(c.checkIP("10.100.2.10")).toBe("10.100.2.10");
    expect(new Date(c.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(c.validFrom).getTime()).toBeLessThan(Date.now());
  });

  it("the expired certificate's notAfter is in the past (RFC 5280 §4.1.2.5)", () => {
    const c = new X509Certificate(pki.expired.cert);
    expect(new Date(c.validTo).getTime()).toBeLessThan(Date.now());
    expect(c.checkIssued(new X509Certificate(pki.caCert))).toBe(true);
  });

  it("the wrong-host certificate does not match the host name", () => {
    expect(new X509Certificate(pki.wrongHost.cert).checkHost("backend.backside.test")).toBeUndefined();
  });

  it("the untrusted certificate is not issued by the run's CA", () => {
    const c = new X509Certificate(pki.untrusted.cert);
    expect(c.checkIssued(new X509Certificate(pki.caCert))).toBe(false);
    expect(c.checkIssued(new X509Certificate(pki.untrustedCaCert))).toBe(true);
  });

  it("dispose removes the folder with the keys", async () => {
    const p = await createTestPki({ hostName: "x.test" });
    expect(existsSync(p.dir)).toBe(true);
    await p.dispose();
    expect(existsSync(p.dir)).toBe(false);
  });
});

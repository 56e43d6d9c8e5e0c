import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig, parseGatewayConfig } from "./config.js";

describe("gateway config", () => {
  it("fills the appliance's defaults", () => {
    const c = parseGatewayConfig({ service: { backendUrl: "http://backend:80/" } });
    expect(c.service).toMatchObject({
      name: "TEST_MPGW",
      frontPort: 8080,
      backTimeout: 120,
      backPersistentTimeout: 180,
      persistentConnections: true,
    });
    expect(c.dns).toMatchObject({
      loadBalance: "first-alive",
      timeout: 5,
      ipPreference: 4,
      forceIpPreference: false,
    });
    expect(c.log.level).toBe("notice");
    expect(c.mgmt.port).toBe(5554);
  });

  it("names every bad field in one message", () => {
    expect(() =>
      parseGatewayConfig({
        service: { backendUrl: "ftp://x", backTimeout: 0 },
        dns: { servers: [{ address: "dns" }] },
        extra: 1,
      }),
    ).toThrowError(
      expect.objectContaining({
        code: "INVALID_INPUT",
        message: expect.stringMatching(
          /service\.backendUrl: must be an http.*service\.backTimeout.*dns\.servers\.0\.address: must be an IPv4 or IPv6 address/,
        ),
      }),
    );
  });

  it("reads BACKSIDE_CONFIG before the file and reports bad JSON with its source", () => {
    expect(
      loadGatewayConfig({ BACKSIDE_CONFIG: '{"service":{"backendUrl":"https://b/"}}' }, "/nonexistent")
        .service.backendUrl,
    ).toBe("https://b/");
    expect(() => loadGatewayConfig({ BACKSIDE_CONFIG: "{" })).toThrowError(
      expect.objectContaining({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/^BACKSIDE_CONFIG: not JSON/),
      }),
    );
    expect(() => loadGatewayConfig({}, "/nonexistent/gateway.json")).toThrowError(
      expect.objectContaining({ code: "NOT_FOUND" }),
    );
  });

  it("a reset's /run/backside/gateway.json wins over the env the container was created with", () => {
    const dir = mkdtempSync(join(tmpdir(), "backside-gw-config-"));
    try {
      const reset = join(dir, "gateway.json");
      const env = { BACKSIDE_CONFIG: '{"service":{"backendUrl":"http://first/"}}' };
      expect(loadGatewayConfig(env, "/nonexistent", reset).service.backendUrl).toBe("http://first/");
      writeFileSync(reset, '{"service":{"backendUrl":"http://next/"}}');
      expect(loadGatewayConfig(env, "/nonexistent", reset).service.backendUrl).toBe("http://next/");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

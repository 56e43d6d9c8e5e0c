import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DnsConfigSchema } from "../dns/config.js";
import { loadConfig } from "./load-config.js";

describe("loadConfig", () => {
  it("fills defaults when neither env nor file is there", () => {
    const c = loadConfig("dns", DnsConfigSchema, {}, "/nonexistent/dns.json");
    expect(c.listen).toEqual({ host: "0.0.0.0", port: 53 });
    expect(c.control).toEqual({ host: "127.0.0.1", port: 9000 });
  });

  it("names the bad field in an INVALID_INPUT error", () => {
    const env = { BACKSIDE_CONFIG: JSON.stringify({ names: { "api.test": { mode: "slow", delayMs: -1 } } }) };
    expect(() => loadConfig("dns", DnsConfigSchema, env)).toThrowError(/names\["api.test"\]\.delayMs/);
    try {
      loadConfig("dns", DnsConfigSchema, env);
    } catch (e) {
      expect(e).toMatchObject({ code: "INVALID_INPUT" });
    }
  });

  it("a reset's file wins over BACKSIDE_CONFIG (a reused container keeps its start env)", () => {
    const dir = mkdtempSync(join(tmpdir(), "backside-config-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const reset = join(dir, "dns.json");
    const env = { BACKSIDE_CONFIG: JSON.stringify({ defaultTtl: 11 }) };
    expect(loadConfig("dns", DnsConfigSchema, env, "/nonexistent/dns.json", reset).defaultTtl).toBe(11);
    writeFileSync(reset, JSON.stringify({ defaultTtl: 22 }));
    expect(loadConfig("dns", DnsConfigSchema, env, "/nonexistent/dns.json", reset).defaultTtl).toBe(22);
  });

  it("says when BACKSIDE_CONFIG is not JSON", () => {
    expect(() => loadConfig("dns", DnsConfigSchema, { BACKSIDE_CONFIG: "{" })).toThrowError(/not JSON/);
  });
});

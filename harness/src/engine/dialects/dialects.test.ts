/**
 * The dialects on real logs: every file in fixtures/<gateway>/ was written by nginx or HAProxy
 * running as the gateway in a scenario (runner/gateways/real-gateways.e2e.test.ts keeps them with
 * BACKSIDE_UPDATE_FIXTURES=1), never typed by hand. `<scenario>.log` is the gateway's log,
 * `<scenario>.access.log` nginx's access log of the same run.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EventName } from "../../appliance/index.js";
import type { Cause } from "../../taxonomy.js";
import { diagnose } from "../diagnose.js";
import { detectDialect, readLogText } from "./read-log-text.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

interface Expect {
  /** An event the log must give (the line that tells what happened). */
  event: EventName;
  /** The engine's verdict from the log files alone, where the log can tell. */
  alone?: Cause;
}

const EXPECT: Record<"nginx" | "haproxy", Record<string, Expect>> = {
  nginx: {
    "healthy-by-address": { event: "responseSent", alone: "healthy" },
    "dns-nxdomain": { event: "dnsResolveFailed", alone: "dns.nxdomain" },
    "dns-servfail": { event: "dnsResolveFailed", alone: "dns.servfail" },
    "dns-refused": { event: "dnsResolveFailed", alone: "dns.refused" },
    // nginx says `Host not found` for NODATA too: only the capture tells it from NXDOMAIN.
    "dns-no-address": { event: "dnsResolveFailed" },
    "dns-no-response": { event: "dnsResolveFailed", alone: "dns.no-response" },
    "dns-not-configured": { event: "dnsResolveFailed", alone: "dns.not-configured" },
    "dns-stale-cache": { event: "connectTimedOut" },
    "tcp-silent-drop": { event: "connectTimedOut", alone: "tcp.silent-drop" },
    "tcp-refused": { event: "connectRefused", alone: "tcp.refused" },
    // ICMP admin-prohibited reads as EHOSTUNREACH (113) in nginx: the capture names the reject.
    "tcp-rejected-icmp": { event: "hostUnreachable" },
    // The router's ICMP host unreachable comes after ~3 s of ARP, the connect timeout (3 s) first.
    "net-host-unreachable-address": { event: "connectTimedOut" },
    "backend-overloaded": { event: "connectTimedOut", alone: "backend.overloaded" },
    "backend-timeout": { event: "backendNoResponse", alone: "backend.timeout" },
    "backend-closed": { event: "backendClosed", alone: "backend.closed" },
    "backend-reset": { event: "connectionReset", alone: "backend.reset" },
    "tls-unknown-ca": { event: "tlsVerifyFailed", alone: "tls.handshake-failure" },
  },
  haproxy: {
    "healthy-by-address": { event: "responseSent", alone: "healthy" },
    // No server could be chosen (`<NOSRV>`, SC): the name never resolved; the captures say why.
    "dns-nxdomain": { event: "connectServerFailed" },
    "dns-servfail": { event: "connectServerFailed" },
    "dns-refused": { event: "connectServerFailed" },
    "dns-no-address": { event: "connectServerFailed" },
    "dns-not-configured": { event: "connectServerFailed" },
    "tcp-silent-drop": { event: "connectTimedOut", alone: "tcp.silent-drop" },
    // SC with a server: refused or unreachable alike (HAProxy logs no errno).
    "tcp-refused": { event: "backsideFailed" },
    "tcp-rejected-icmp": { event: "backsideFailed" },
    "net-host-unreachable-address": { event: "connectTimedOut" },
    // HAProxy logs no TLS detail: a failed handshake is a failed connect (SC) with a server.
    "tls-unknown-ca": { event: "backsideFailed" },
    "backend-timeout": { event: "backendNoResponse", alone: "backend.timeout" },
    "backend-closed": { event: "backsideFailed" },
    "backend-reset": { event: "backsideFailed" },
    "backend-overloaded": { event: "connectTimedOut", alone: "backend.overloaded" },
  },
};

function fixtures(gateway: string): string[] {
  const dir = join(FIXTURES, gateway);
  return existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith(".log") && !f.endsWith(".access.log"))
    : [];
}

describe.each(["nginx", "haproxy"] as const)("%s logs from real runs", (gateway) => {
  const files = fixtures(gateway);

  it("there are fixtures for every expectation", () => {
    const have = files.map((f) => f.replace(/\.log$/, ""));
    for (const name of Object.keys(EXPECT[gateway])) expect(have, name).toContain(name);
  });

  it.each(files)("%s: the dialect is told from the text", (file) => {
    const text = readFileSync(join(FIXTURES, gateway, file), "utf8");
    expect(detectDialect(text)).toBe(gateway);
    const access = join(FIXTURES, gateway, file.replace(/\.log$/, ".access.log"));
    if (existsSync(access)) expect(detectDialect(readFileSync(access, "utf8"))).toBe(gateway);
  });

  it.each(Object.entries(EXPECT[gateway]))(
    "%s: the telling line and the log's verdict",
    async (name, want) => {
      const logs = [join(FIXTURES, gateway, `${name}.log`)];
      const access = join(FIXTURES, gateway, `${name}.access.log`);
      if (existsSync(access)) logs.push(access);
      const facts = logs.flatMap((p) => readLogText(readFileSync(p, "utf8"), p).facts);
      expect(
        facts.map((f) => f.event),
        facts.map((f) => f.entry.raw).join("\n"),
      ).toContain(want.event);
      if (want.alone) expect((await diagnose({ logs })).cause).toBe(want.alone);
    },
  );
});

describe("dialect detection", () => {
  it("keeps the appliance's own log an appliance log", () => {
    const text = readFileSync(
      join(import.meta.dirname, "../fixtures/runs/backend-overloaded/gateway.log"),
      "utf8",
    );
    expect(detectDialect(text)).toBe("appliance");
  });

  it("reads garbage as the appliance's dialect with no lines", () => {
    const r = readLogText("not a log\n\u0001\u0002\n", "x");
    expect(r.dialect).toBe("appliance");
    expect(r.entries).toBe(0);
  });
});

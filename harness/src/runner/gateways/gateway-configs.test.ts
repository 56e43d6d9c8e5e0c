import { describe, expect, it } from "vitest";
import { parseScenario } from "../../scenarios/load-scenario.js";
import { parseRunArgs, gatewayNotes } from "../../cli/commands/run.js";
import { isBacksideError } from "../../errors.js";
import { planRuns } from "../run-catalogue.js";
import { planGateway } from "../plan-gateway.js";
import { renderNginxConf } from "./nginx-config.js";
import { renderHaproxyCfg } from "./haproxy-config.js";
import { renderTemplate } from "./config-template.js";

const scen = (extra = "", name = "x") =>
  parseScenario(`description: x\nexpect: healthy\n${extra}`, `scenarios/${name}.yaml`);

describe("choosing gateways", () => {
  it("runs each scenario once per gateway, ids <scenario>@<gateway>; a pinned one once", () => {
    const free = scen();
    const pinned = scen("gateway: { kind: haproxy }\n", "y");
    expect(planRuns([free, pinned], 1, ["backside", "nginx"]).map((p) => p.id)).toEqual([
      "x@backside",
      "x@nginx",
      "y@haproxy",
    ]);
    expect(planRuns([free], 1, ["nginx"]).map((p) => [p.id, p.gateway])).toEqual([["x", "nginx"]]);
  });

  it("--gateway takes a kind or all, anything else is a usage error", () => {
    expect(parseRunArgs(["x", "--gateway", "all"])).toMatchObject({
      gateways: ["backside", "nginx", "haproxy"],
    });
    expect(parseRunArgs(["x"])).toMatchObject({ gateways: ["backside"] });
    try {
      parseRunArgs(["x", "--gateway", "envoy"]);
      expect.unreachable();
    } catch (e) {
      expect(isBacksideError(e) && e.code).toBe("USAGE");
    }
  });

  it("notes once per gateway what it cannot honour, and what it cannot produce", () => {
    const stale = scen(
      "steps:\n  - request: {}\n  - set: { dns: { modes: [{ name: api.backside.test, mode: moved, address: 'back:.11' }] } }\n",
      "s",
    );
    const lines = gatewayNotes([scen(), stale], ["nginx", "haproxy"]);
    expect(lines).toContain("haproxy: not applicable (see the report for why): s");
    expect(lines.find((l) => l.startsWith("nginx: cannot honour"))).toMatch(
      /persistentConnections .*\[x, s\]/,
    );
  });
});

describe("gateway configurations from a scenario", () => {
  const https = scen("gateway:\n  backend: { scheme: https }\n  connectTimeoutSeconds: 2\n");
  const plan = planGateway(https, 1, undefined);

  it("nginx resolves a backend name per request with the scenario's name servers", () => {
    const conf = renderNginxConf(plan);
    expect(conf).toContain('set $backside_backend "api.backside.test";');
    expect(conf).toMatch(/resolver 10\.100\.7\.53 ipv6=off;/);
    expect(conf).toContain("proxy_connect_timeout 2000ms;");
    expect(conf).toContain("proxy_ssl_verify on;");
    expect(conf).toContain("proxy_next_upstream off;");
  });

  it("HAProxy resolves it with a resolvers section, from no address, verifying TLS", () => {
    const cfg = renderHaproxyCfg(plan);
    expect(cfg).toMatch(/server srv api\.backside\.test:443 init-addr none resolvers dns/);
    expect(cfg).toContain("nameserver ns1 10.100.7.53:53");
    expect(cfg).toContain("timeout connect 2000ms");
    expect(cfg).toContain("verify required");
    expect(cfg).toContain("retries 0");
  });

  it("a static host goes in as an address, with nothing to resolve", () => {
    const s = scen(
      "gateway:\n  backend: { host: static.backside.test }\n  dns:\n    servers: []\n    staticHosts: [{ hostname: static.backside.test, address: backend }]\n",
    );
    const p = planGateway(s, 1, undefined);
    expect(renderNginxConf(p)).toContain("server 10.100.6.10:80 max_fails=0;");
    expect(renderHaproxyCfg(p)).not.toContain("resolvers");
  });

  it("a custom template's unknown placeholder names the file and line", () => {
    expect(renderTemplate("listen {{front.port}};", plan, "t")).toBe("listen 8080;");
    expect(() => renderTemplate("a\nproxy {{backend.nmae}}", plan, "t.tmpl")).toThrow(
      /t\.tmpl:2: unknown placeholder/,
    );
  });
});

import { describe, expect, it } from "vitest";
import { parseScenario } from "./load-scenario.js";
import { loadCatalogue, selectScenarios } from "./load-catalogue.js";
import { CAUSES } from "../taxonomy.js";
import { isBacksideError } from "../errors.js";

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isBacksideError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a BacksideError");
}

const minimal = "description: x\nexpect: healthy\n";

describe("scenario loader", () => {
  it("fills defaults and takes the name from the file name", () => {
    const s = parseScenario(minimal, "scenarios/my-case.yaml");
    expect(s.name).toBe("my-case");
    expect(s.gateway.backend.host).toBe("api.backside.test");
    expect(s.gateway.dns.servers).toEqual(["dns"]);
    expect(s.steps).toEqual([{ request: { count: 1, intervalMs: 0, concurrency: 1 } }]);
    expect(s.capture.map((p) => `${p.node}-${p.segment}`)).toEqual([
      "gateway-mid",
      "firewall-mid",
      "firewall-back",
      "backend-back",
    ]);
  });

  it("names file and field for a bad port in a fault", () => {
    const text =
      minimal + "firewall:\n  faults:\n    - { action: drop }\n    - { action: drop, port: 70000 }\n";
    const e = errorOf(() => parseScenario(text, "scenarios/dns-nxdomain.yaml"));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toBe("scenarios/dns-nxdomain.yaml: firewall.faults[1].port must be 1-65535");
  });

  it("rejects an unknown label, listing the known ones", () => {
    const e = errorOf(() => parseScenario("description: x\nexpect: dns.gone\n", "scenarios/a.yaml"));
    expect(e.message).toMatch(/^scenarios\/a\.yaml: expect must be one of healthy, dns\.nxdomain/);
  });

  it("rejects an unknown field by its path", () => {
    const e = errorOf(() => parseScenario(minimal + "backend:\n  mood: hang\n", "scenarios/a.yaml"));
    expect(e.message).toBe("scenarios/a.yaml: backend.mood is not a known field");
  });

  it("refuses literal IP addresses (traffic stays inside the topology)", () => {
    const e = errorOf(() =>
      parseScenario(minimal + "dns:\n  zone:\n    api.backside.test: 8.8.8.8\n", "scenarios/a.yaml"),
    );
    expect(e.message).toMatch(/^scenarios\/a\.yaml: dns\.zone\.api\.backside\.test must be a node name/);
  });

  it("requires exactly one action per step", () => {
    const e = errorOf(() =>
      parseScenario(minimal + "steps:\n  - { request: {}, wait: { seconds: 1 } }\n", "scenarios/a.yaml"),
    );
    expect(e.message).toBe(
      "scenarios/a.yaml: steps[0] must have exactly one of request, set, wait, topology, restart, lookup",
    );
  });

  it("reports YAML syntax errors with the line and column", () => {
    const e = errorOf(() => parseScenario("description: x\nexpect: [healthy\n", "scenarios/a.yaml"));
    expect(e.message).toBe(
      "scenarios/a.yaml:3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    );
  });

  it("checks cross-field rules: moved needs an address, tls needs https", () => {
    expect(
      errorOf(() => parseScenario(minimal + "dns:\n  modes:\n    - { name: a.b, mode: moved }\n", "s/a.yaml"))
        .message,
    ).toBe("s/a.yaml: dns.modes[0].address is required for mode moved");
    expect(
      errorOf(() => parseScenario(minimal + "backend: { mode: tls-expired }\n", "s/a.yaml")).message,
    ).toBe("s/a.yaml: gateway.backend.scheme must be https when backend.mode is tls-expired");
  });

  it("refuses a timeout too small for the steps", () => {
    const e = errorOf(() =>
      parseScenario(
        minimal + "steps:\n  - wait: { seconds: 20 }\n  - request: {}\ntimeoutSeconds: 10\n",
        "s/a.yaml",
      ),
    );
    expect(e.message).toMatch(/^s\/a\.yaml: timeoutSeconds 10 is less than the steps need/);
  });

  it("refuses an until that count cannot reach", () => {
    const e = errorOf(() =>
      parseScenario(
        minimal + "steps:\n  - request: { count: 3, until: { failed: 2, succeeded: 2 } }\n",
        "s/a.yaml",
      ),
    );
    expect(e.message).toBe("s/a.yaml: steps[0].request.until asks for 4 outcomes but count sends at most 3");
  });
});

describe("the committed catalogue", () => {
  const all = loadCatalogue("scenarios");

  it("validates every file", () => {
    expect(all.length).toBeGreaterThanOrEqual(CAUSES.length);
  });

  it("covers every taxonomy label with at least one scenario", () => {
    const covered = new Set(all.map((s) => s.expect));
    expect(CAUSES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it("has healthy controls and keeps every scenario short", () => {
    expect(all.filter((s) => s.expect === "healthy").length).toBeGreaterThanOrEqual(2);
    for (const s of all) {
      // A request step with `until` stops once enough failed and succeeded: its count is a cap
      // for unlucky draws, and the bound must cover that cap.
      const capped = s.steps.some((st) => st.request?.until);
      expect(s.timeoutSeconds, s.name).toBeLessThanOrEqual(capped ? 300 : 100);
    }
  });

  it("selects by name and names an unknown one", () => {
    expect(selectScenarios(all, ["healthy"])[0].name).toBe("healthy");
    expect(errorOf(() => selectScenarios(all, ["nope"])).code).toBe("USAGE");
  });
});

describe("cross-field rules", () => {
  it("refuses a capture on a segment the topology disconnects", () => {
    const e = errorOf(() =>
      parseScenario(
        minimal + "topology:\n  - { kind: disconnect, node: backend, segment: back }\n",
        "s/a.yaml",
      ),
    );
    expect(e.message).toBe(
      "s/a.yaml: capture[3] captures on backend-back, which topology[0] disconnects (list capture points without it)",
    );
  });

  it("checks a step's topology change too: a move unplugs the interface a capture runs on", () => {
    const e = errorOf(() =>
      parseScenario(
        minimal +
          'steps:\n  - request: {}\n  - topology: { kind: move, node: backend, segment: back, address: "back:.11" }\n',
        "s/a.yaml",
      ),
    );
    expect(e.message).toBe(
      "s/a.yaml: capture[3] captures on backend-back, which steps[1].topology moves (list capture points without it)",
    );
    const far = errorOf(() =>
      parseScenario(
        minimal + 'topology:\n  - { kind: move, node: dns, segment: back, address: "back:.11" }\n',
        "s/a.yaml",
      ),
    );
    expect(far.message).toBe("s/a.yaml: topology[0].segment back is not one of dns's segments (dnsnet)");
  });
});

describe("rate-limit faults", () => {
  const fw = (fault: string) => minimal + `firewall:\n  faults:\n    - ${fault}\n`;

  it("takes perSecond and a default burst", () => {
    const s = parseScenario(fw("{ action: rate-limit, port: 80, perSecond: 2 }"), "s/a.yaml");
    expect(s.firewall.faults[0]).toEqual({
      action: "rate-limit",
      path: "to-backend",
      protocol: "tcp",
      port: 80,
      perSecond: 2,
      burst: 5,
    });
  });

  it("names a missing or bad rate, and a path on which no connection starts", () => {
    expect(errorOf(() => parseScenario(fw("{ action: rate-limit }"), "s/a.yaml")).message).toMatch(
      /^s\/a\.yaml: firewall\.faults\[0\]\.perSecond /,
    );
    expect(
      errorOf(() => parseScenario(fw("{ action: rate-limit, perSecond: 2, burst: 0 }"), "s/a.yaml")).message,
    ).toBe("s/a.yaml: firewall.faults[0].burst must be 1-10000");
    expect(
      errorOf(() => parseScenario(fw("{ action: rate-limit, path: from-backend, perSecond: 2 }"), "s/a.yaml"))
        .message,
    ).toBe("s/a.yaml: firewall.faults[0].path must be to-backend or to-dns for rate-limit");
  });
});

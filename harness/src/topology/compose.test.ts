import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatCompose, renderCompose } from "./compose.js";
import { NODES, planFor } from "./plan.js";

const file = fileURLToPath(new URL("../../../docker-compose.yml", import.meta.url));

describe("docker-compose.yml", () => {
  it("equals the file rendered from plan.ts (regenerate: npx tsx harness/src/topology/compose.ts > docker-compose.yml)", () => {
    expect(readFileSync(file, "utf8")).toBe(formatCompose());
  });

  it("parses to slot 0's addresses, subnets, routes and capabilities", () => {
    const doc = parse(readFileSync(file, "utf8"));
    const p = planFor(0);
    for (const n of NODES) {
      const svc = doc.services[n];
      for (const [seg, addr] of Object.entries(p.nodes[n].addresses))
        expect(svc.networks[seg].ipv4_address).toBe(addr);
      expect(svc.environment.BACKSIDE_ROUTES).toBe(p.nodes[n].routes.join(";"));
      expect(svc.dns).toEqual([p.dnsServer]);
      expect(svc.cap_add ?? []).toEqual(p.nodes[n].capAdd);
    }
    expect(doc.networks.front.internal).toBe(true);
    expect(doc.networks.mid.ipam.config[0].subnet).toBe("10.100.1.0/24");
    for (const net of Object.values(doc.networks) as Array<{ driver_opts: Record<string, string> }>) {
      expect(net.driver_opts["com.docker.network.bridge.enable_ip_masquerade"]).toBe("false");
    }
    expect(doc).toEqual(renderCompose());
  });

  it("is accepted by docker-compose v1 when installed", () => {
    let have = true;
    try {
      execFileSync("docker-compose", ["version"], { stdio: "ignore", timeout: 80_000 });
    } catch {
      have = false;
    }
    if (!have) return;
    execFileSync("docker-compose", ["-f", file, "config", "-q"], { stdio: "pipe", timeout: 80_000 });
  }, 90_000); // a Python start-up: 2 s idle, over 20 s on a loaded 2-core machine (measured)
});

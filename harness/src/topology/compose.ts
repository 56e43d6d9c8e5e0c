/**
 * docker-compose.yml rendered from the plan (slot 0), so the two cannot drift: compose.test.ts
 * fails when the committed file differs from `formatCompose()`. Regenerate with
 * `npx tsx harness/src/topology/compose.ts > docker-compose.yml`.
 */
import { stringify } from "yaml";
import { COMPOSE_SLOT, NODES, SEGMENTS, planFor, routesEnv, type TopologyPlan } from "./plan.js";
import { LABEL, PROJECT } from "./labels.js";
import { renderBaseRuleset } from "./base-ruleset.js";
import { defaultGatewayConfig } from "./default-nodes.js";

/** No owner pid: `backside clean` keeps these unless `--all` (see sweep.ts). */
const COMPOSE_RUN = "compose";

export function renderCompose(plan: TopologyPlan = planFor(COMPOSE_SLOT)): Record<string, unknown> {
  const labels = (extra: Record<string, string>) => ({
    [LABEL.project]: PROJECT,
    [LABEL.run]: COMPOSE_RUN,
    [LABEL.topology]: "compose",
    ...extra,
  });
  const services: Record<string, unknown> = {};
  for (const n of NODES) {
    const np = plan.nodes[n];
    const networks: Record<string, unknown> = {};
    for (const s of np.segments) networks[s] = { ipv4_address: np.addresses[s] };
    services[n] = {
      image: np.image,
      hostname: n,
      init: true,
      ...(np.capAdd.length ? { cap_add: np.capAdd } : {}),
      ...(np.capDrop.length ? { cap_drop: np.capDrop } : {}),
      sysctls: np.sysctls,
      dns: [plan.dnsServer],
      environment: {
        BACKSIDE_ROUTES: routesEnv(np),
        BACKSIDE_NODE: n,
        ...(n === "firewall" ? { BACKSIDE_BASE_RULESET: renderBaseRuleset(plan) } : {}),
        ...(n === "gateway" ? { BACKSIDE_CONFIG: JSON.stringify(defaultGatewayConfig(plan)) } : {}),
      },
      // The runtime installs the firewall's base table by exec; here the firewall does it itself
      // (arguments go to entry.sh, which runs them after the routes). `$$` is compose's `$`.
      ...(n === "firewall"
        ? {
            command: [
              "/bin/sh",
              "-c",
              'printf "%s" "$$BACKSIDE_BASE_RULESET" | nft -f - && exec sleep infinity',
            ],
          }
        : {}),
      labels: labels({ [LABEL.node]: n }),
      networks,
    };
  }
  const networks: Record<string, unknown> = {};
  for (const s of SEGMENTS) {
    const sp = plan.segments[s];
    networks[s] = {
      driver: "bridge",
      internal: sp.internal,
      driver_opts: { "com.docker.network.bridge.enable_ip_masquerade": "false" },
      ipam: { driver: "default", config: [{ subnet: sp.subnet, gateway: sp.bridgeAddress }] },
      labels: labels({ [LABEL.segment]: s }),
    };
  }
  // 2.4: the newest format docker-compose v1 reads with sysctls, init and fixed addresses; v2 reads it too.
  return { version: "2.4", services, networks };
}

export function formatCompose(plan?: TopologyPlan): string {
  const header = [
    "# The default backside topology (slot 0) for bringing up by hand:",
    "#   docker-compose up -d        (or `docker compose up -d`)",
    "#   docker-compose exec client curl -s http://10.100.0.10:8080/",
    "#   docker-compose down -t 1",
    "# GENERATED from harness/src/topology/plan.ts by harness/src/topology/compose.ts; do not edit.",
    "",
  ].join("\n");
  return header + stringify(renderCompose(plan), { lineWidth: 0 });
}

const isEntry = process.argv[1] && /topology\/compose\.(ts|js)$/.test(process.argv[1]);
if (isEntry) process.stdout.write(formatCompose());

/** A scenario's gateway settings for one slot: the GatewayPlan every gateway adapter renders. */
import type { Scenario } from "../scenarios/schema.js";
import type { TestPki } from "../tls/index.js";
import type { GatewayPlan } from "./gateways/index.js";
import { resolveAddress, resolveHost } from "./resolve-address.js";
import { FRONT_PORT, gatewayConfig } from "./standin-configs.js";

export function planGateway(s: Scenario, slot: number, pki: TestPki | undefined): GatewayPlan {
  const g = s.gateway;
  const { host, isName } = resolveHost(slot, g.backend.host);
  const fixed = g.dns.staticHosts.find((h) => h.hostname === g.backend.host);
  return {
    frontPort: FRONT_PORT,
    backend: {
      scheme: g.backend.scheme,
      host,
      isName,
      ...(fixed ? { staticAddress: resolveAddress(slot, fixed.address) } : {}),
      port: g.backend.port ?? (g.backend.scheme === "https" ? 443 : 80),
      path: g.backend.path,
    },
    connectTimeout: g.connectTimeoutSeconds,
    backTimeout: g.backTimeoutSeconds,
    frontTimeout: g.frontTimeoutSeconds,
    backPersistentTimeout: g.backPersistentTimeoutSeconds,
    persistentConnections: g.persistentConnections,
    tls: { verify: g.tls.validateServer, ...(pki ? { caPem: pki.caCert } : {}), servername: host },
    dns: {
      servers: g.dns.servers.map((sv) =>
        typeof sv === "string"
          ? { address: resolveAddress(slot, sv), port: 53, retries: g.dns.retries }
          : { address: resolveAddress(slot, sv.address), port: sv.port, retries: sv.retries },
      ),
      timeout: g.dns.timeoutSeconds,
      loadBalance: g.dns.loadBalance,
      searchDomains: g.dns.searchDomains,
      ipPreference: g.dns.ipPreference,
      forceIpPreference: g.dns.forceIpPreference,
      cache: g.dns.cache,
    },
    logLevel: g.logLevel,
    standin: gatewayConfig(s, slot, pki),
  };
}

/**
 * A scenario's settings → the stand-ins' start configurations (BACKSIDE_CONFIG of gateway,
 * backend and dns), for one slot. Pure: the runner passes them to the topology.
 */
import type { Scenario, BackendMode, DnsMode } from "../scenarios/schema.js";
import type { GatewayConfigInput } from "../standins/gateway/config.js";
import type { BackendConfigInput, BackendModeInput, TlsSettingsInput } from "../standins/backend/config.js";
import type { DnsConfigInput, NameEntryInput } from "../standins/dns/config.js";
import type { TestPki } from "../tls/index.js";
import { resolveAddress, resolveHost } from "./resolve-address.js";

export const FRONT_PORT = 8080;

export function backendUrl(s: Scenario, slot: number): string {
  const b = s.gateway.backend;
  const { host } = resolveHost(slot, b.host);
  const port = b.port ?? (b.scheme === "https" ? 443 : 80);
  return `${b.scheme}://${host}:${port}${b.path}`;
}

export function gatewayConfig(s: Scenario, slot: number, pki: TestPki | undefined): GatewayConfigInput {
  const g = s.gateway;
  const servers = g.dns.servers.map((sv) =>
    typeof sv === "string"
      ? { address: resolveAddress(slot, sv), retries: g.dns.retries }
      : {
          address: resolveAddress(slot, sv.address),
          udpPort: sv.port,
          tcpPort: sv.port,
          retries: sv.retries,
        },
  );
  return {
    service: {
      name: "TEST_MPGW",
      frontPort: FRONT_PORT,
      backendUrl: backendUrl(s, slot),
      backTimeout: g.backTimeoutSeconds,
      connectTimeout: g.connectTimeoutSeconds,
      backPersistentTimeout: g.backPersistentTimeoutSeconds,
      frontTimeout: g.frontTimeoutSeconds,
      persistentConnections: g.persistentConnections,
    },
    tls: { verify: g.tls.validateServer, caPem: pki ? [pki.caCert] : [] },
    dns: {
      servers,
      loadBalance: g.dns.loadBalance,
      timeout: g.dns.timeoutSeconds,
      searchDomains: g.dns.searchDomains,
      staticHosts: g.dns.staticHosts.map((h) => ({
        hostname: h.hostname,
        address: resolveAddress(slot, h.address),
      })),
      ipPreference: g.dns.ipPreference,
      forceIpPreference: g.dns.forceIpPreference,
    },
    log: { level: g.logLevel },
  };
}

export function backendMode(
  mode: BackendMode,
  s: Pick<Scenario["backend"], "delayMs" | "backlog">,
): BackendModeInput {
  switch (mode) {
    case "slow":
      return { kind: "slow", delayMs: s.delayMs ?? 5000 };
    case "hang":
    case "close":
    case "reset":
    case "not-listening":
      return { kind: mode };
    case "overloaded":
      return { kind: "overloaded", backlog: s.backlog ?? 1 };
    default:
      // healthy and the TLS modes answer normally once the handshake is done.
      return { kind: "healthy" };
  }
}

/** The certificate the backend presents for a mode; undefined when there is no PKI. */
export function backendTls(mode: BackendMode, pki: TestPki | undefined): TlsSettingsInput | undefined {
  if (!pki) return undefined;
  switch (mode) {
    case "tls-unknown-ca":
      return { ...pki.untrusted, label: "untrusted" };
    case "tls-expired":
      return { ...pki.expired, label: "expired" };
    case "tls-hostname":
      return { ...pki.wrongHost, label: "wrong-host" };
    case "tls-old-protocol":
      return { ...pki.good, maxVersion: "TLSv1.1", label: "old-protocol" };
    default:
      return { ...pki.good, label: "good" };
  }
}

export function backendConfig(s: Scenario, pki: TestPki | undefined): BackendConfigInput {
  return { mode: backendMode(s.backend.mode, s.backend), tls: backendTls(s.backend.mode, pki) };
}

export function dnsEntry(
  mode: DnsMode,
  addresses: string[],
  ttl: number,
  delayMs?: number,
  from: string[] = [],
): NameEntryInput {
  switch (mode) {
    case "answer":
      return { mode: "normal", a: addresses, ttl };
    case "moved":
      return { mode: "moved", a: addresses, ttl, from };
    case "slow":
      return { mode: "slow", delayMs: delayMs ?? 3000, a: addresses, ttl };
    case "truncate":
      return { mode: "truncate", a: addresses, ttl };
    default:
      return { mode };
  }
}

/** The zone with each name's starting mode. */
export function dnsNames(s: Scenario, slot: number): Record<string, NameEntryInput> {
  const names: Record<string, NameEntryInput> = {};
  const zoneAddresses = (name: string): string[] => {
    const v = s.dns.zone[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map((r) => resolveAddress(slot, r));
  };
  for (const name of Object.keys(s.dns.zone))
    names[name] = dnsEntry("answer", zoneAddresses(name), s.dns.ttlSeconds);
  for (const m of s.dns.modes) names[m.name] = dnsModeEntry(s, slot, m, zoneAddresses(m.name));
  return names;
}

export function dnsModeEntry(
  s: Scenario,
  slot: number,
  m: Scenario["dns"]["modes"][number],
  current: string[],
): NameEntryInput {
  const addresses = m.address ? [resolveAddress(slot, m.address)] : current;
  return dnsEntry(m.mode, addresses, s.dns.ttlSeconds, m.delayMs, m.mode === "moved" ? current : []);
}

export function dnsConfig(s: Scenario, slot: number): DnsConfigInput {
  return { defaultTtl: s.dns.ttlSeconds, names: dnsNames(s, slot) };
}

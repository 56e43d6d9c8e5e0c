/** What a scenario asks of its gateway, read by the adapters that cannot do all of it. */
import type { Scenario } from "../../scenarios/schema.js";

/** A persistent backend connection that the backend's restart leaves stale. */
export function restartsBackendOnPersistent(s: Scenario): boolean {
  return s.gateway.persistentConnections && s.steps.some((st) => st.restart === "backend");
}

/** The backend's name moves to another address mid-run (a cache of the old one goes stale). */
export function movesBackendName(s: Scenario): boolean {
  return s.steps.some((st) => st.set?.dns?.modes.some((m) => m.mode === "moved"));
}

/** Settings neither real gateway has: the appliance's own DNS options. */
export function commonUnsupported(s: Scenario): string[] {
  const d = s.gateway.dns;
  const out: string[] = [];
  if (d.searchDomains.length > 0) out.push("dns.searchDomains (no search domains)");
  if (d.cache === "off") out.push("dns.cache off (no way to flush its DNS cache)");
  if (!d.forceIpPreference && d.ipPreference === 6) out.push("dns.ipPreference 6");
  return out;
}

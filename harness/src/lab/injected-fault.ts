/**
 * What the scenario injected, in a few lines for the reveal: firewall faults, DNS modes, the
 * backend's mode, topology changes and mid-run changes. Taken from the scenario when the lab is
 * made and kept in the key only.
 */
import type { Scenario } from "../scenarios/schema.js";

const compact = (v: unknown) =>
  JSON.stringify(v)
    .replace(/"(\w+)":/g, "$1: ")
    .replace(/,/g, ", ");

export function injectedFault(s: Scenario): string[] {
  const out: string[] = [];
  for (const f of s.firewall.faults) out.push(`firewall: ${compact(f)}`);
  for (const m of s.dns.modes) out.push(`dns: ${compact(m)}`);
  // 300 s is the stand-in's default; another TTL is part of the setup (a stale cache needs a long one).
  if (s.dns.ttlSeconds !== 300) out.push(`dns: answers with TTL ${s.dns.ttlSeconds} s`);
  if (s.backend.mode !== "healthy") out.push(`backend: ${compact(s.backend)}`);
  for (const t of s.topology) out.push(`topology: ${compact(t)}`);
  if (s.gateway.dns.servers.length === 0) out.push("gateway: no name server configured");
  s.steps.forEach((st, i) => {
    if ("set" in st && st.set) out.push(`step ${i + 1}, set: ${compact(st.set)}`);
    if ("topology" in st && st.topology) out.push(`step ${i + 1}, topology: ${compact(st.topology)}`);
    if ("restart" in st && st.restart) out.push(`step ${i + 1}: restart ${st.restart}`);
  });
  if (!out.length) out.push("nothing: everything worked as configured");
  return out;
}

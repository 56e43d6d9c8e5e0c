/**
 * What of the stand-ins' repertoire a catalogue uses: every DNS mode, backend mode and firewall
 * fault kind a scenario file can name should be exercised by at least one scenario, so the
 * catalogue cannot fall behind what the stand-ins can do.
 */
import { BACKEND_MODES, DNS_MODES, faultSchema, type Scenario } from "./schema.js";

/** The fault actions the schema accepts, read from the schema itself. */
export const FAULT_ACTIONS: readonly string[] = faultSchema.options.map((o) => o.shape.action.value);

export interface Uncovered {
  dnsModes: string[];
  backendModes: string[];
  faultActions: string[];
}

export function uncovered(scenarios: readonly Scenario[]): Uncovered {
  const dns = new Set<string>();
  const backend = new Set<string>();
  const faults = new Set<string>();
  for (const s of scenarios) {
    // A zone name without a mode rule is answered normally: that is the `answer` mode.
    for (const name of Object.keys(s.dns.zone))
      if (!s.dns.modes.some((m) => m.name === name)) dns.add("answer");
    for (const m of s.dns.modes) dns.add(m.mode);
    backend.add(s.backend.mode);
    for (const f of s.firewall.faults) faults.add(f.action);
    for (const st of s.steps) {
      for (const m of st.set?.dns?.modes ?? []) dns.add(m.mode);
      if (st.set?.backend?.mode) backend.add(st.set.backend.mode);
      for (const f of st.set?.firewall?.faults ?? []) faults.add(f.action);
    }
  }
  return {
    dnsModes: DNS_MODES.filter((m) => !dns.has(m)),
    backendModes: BACKEND_MODES.filter((m) => !backend.has(m)),
    faultActions: FAULT_ACTIONS.filter((a) => !faults.has(a)),
  };
}

/**
 * `--scenarios`: names and globs, comma- or space-separated (`tcp-*,dns-nxdomain`). A glob that
 * matches nothing and an unknown name are usage errors; the catalogue's order is kept.
 */
import type { Scenario } from "../scenarios/schema.js";
import { selectScenarios } from "../scenarios/index.js";
import { BacksideError } from "../errors.js";

function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

export function pickScenarios(all: Scenario[], spec: string | undefined): Scenario[] {
  if (!spec) return all;
  const picked = new Set<string>();
  for (const part of spec.split(/[,\s]+/).filter(Boolean)) {
    if (/[*?]/.test(part)) {
      const re = globRegExp(part);
      const hits = all.filter((s) => re.test(s.name));
      if (!hits.length)
        throw new BacksideError("USAGE", `--scenarios: '${part}' matches no scenario`, {
          hint: "run `backside list`",
        });
      for (const h of hits) picked.add(h.name);
    } else for (const s of selectScenarios(all, [part])) picked.add(s.name);
  }
  return all.filter((s) => picked.has(s.name));
}

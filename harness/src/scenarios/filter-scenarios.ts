/**
 * `--tag` and `--grep`: narrows a list of scenarios. Several tags select scenarios carrying any of
 * them; the pattern is a regular expression tried against the scenario's name. Both together
 * keep the scenarios that pass both.
 */
import { BacksideError } from "../errors.js";
import type { Scenario } from "./schema.js";

export interface ScenarioFilter {
  tags?: readonly string[];
  /** A regular expression (JavaScript syntax), unanchored, case-sensitive. */
  grep?: string;
}

/** The pattern as a RegExp, or a usage error naming the flag and what the parser said. */
export function grepPattern(command: string, pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new BacksideError(
      "USAGE",
      `${command}: --grep '${pattern}' is not a regular expression: ${(e as Error).message}`,
    );
  }
}

export function filterScenarios(list: readonly Scenario[], f: ScenarioFilter, command = "run"): Scenario[] {
  const re = f.grep === undefined ? undefined : grepPattern(command, f.grep);
  const tags = f.tags ?? [];
  return list.filter(
    (s) => (!tags.length || tags.some((t) => s.tags.includes(t))) && (!re || re.test(s.name)),
  );
}

/** Says what a selection that matched nothing asked for, and the tags there are. */
export function emptySelectionError(
  all: readonly Scenario[],
  f: ScenarioFilter,
  command = "run",
): BacksideError {
  const asked = [
    ...(f.tags ?? []).map((t) => `--tag ${t}`),
    ...(f.grep === undefined ? [] : [`--grep '${f.grep}'`]),
  ].join(" ");
  const known = [...new Set(all.flatMap((s) => s.tags))].sort();
  return new BacksideError("USAGE", `${command}: no scenario matches ${asked}`, {
    hint: `tags in the catalogue: ${known.join(", ") || "none"}; \`backside list\` shows names`,
  });
}

/** Loads every `*.yaml` in the scenarios folder, sorted by name; stops at the first broken file. */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { BacksideError } from "../errors.js";
import { loadScenario, displayPath } from "./load-scenario.js";
import type { Scenario } from "./schema.js";

export const DEFAULT_SCENARIO_DIR = "scenarios";

export function loadCatalogue(dir = DEFAULT_SCENARIO_DIR): Scenario[] {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs).filter((n) => n.endsWith(".yaml") || n.endsWith(".yml"));
  } catch (e) {
    throw new BacksideError("NOT_FOUND", `${displayPath(abs)}: no scenarios folder`, { cause: e });
  }
  return names.sort().map((n) => loadScenario(join(abs, n)));
}

/** Picks scenarios by name; an unknown name is a usage error listing close matches. */
export function selectScenarios(all: Scenario[], names: string[]): Scenario[] {
  return names.map((n) => {
    const s = all.find((x) => x.name === n);
    if (!s) {
      const close = all.filter((x) => x.name.includes(n) || n.includes(x.name)).map((x) => x.name);
      throw new BacksideError("USAGE", `unknown scenario '${n}'`, {
        hint: close.length ? `did you mean ${close.slice(0, 3).join(", ")}?` : "run `backside list`",
      });
    }
    return s;
  });
}

/**
 * Loads every `*.yaml` in the scenarios folder, sorted by name. Every broken file is reported,
 * not just the first: `readCatalogue` keeps going and returns them beside the valid scenarios;
 * `loadCatalogue` refuses when any is broken (a whole-catalogue run must not silently skip one).
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { BacksideError } from "../errors.js";
import { repoRoot } from "../images/repo-root.js";
import { loadScenario, displayPath } from "./load-scenario.js";
import type { Scenario } from "./schema.js";

export const DEFAULT_SCENARIO_DIR = "scenarios";

/** ./scenarios when there is one, else the catalogue the package ships (an installed package). */
export function defaultScenarioDir(): string {
  return existsSync(resolve(DEFAULT_SCENARIO_DIR)) ? DEFAULT_SCENARIO_DIR : join(repoRoot(), "scenarios");
}

export interface BrokenScenario {
  /** The name the file would give its scenario (`dns-nxdomain.yaml` → `dns-nxdomain`). */
  name: string;
  file: string;
  error: BacksideError;
}

export interface Catalogue {
  scenarios: Scenario[];
  broken: BrokenScenario[];
}

export function readCatalogue(dir = defaultScenarioDir()): Catalogue {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs).filter((n) => n.endsWith(".yaml") || n.endsWith(".yml"));
  } catch (e) {
    throw new BacksideError("NOT_FOUND", `${displayPath(abs)}: no scenarios folder`, { cause: e });
  }
  const out: Catalogue = { scenarios: [], broken: [] };
  for (const n of names.sort()) {
    const file = join(abs, n);
    try {
      out.scenarios.push(loadScenario(file));
    } catch (e) {
      if (!(e instanceof BacksideError)) throw e;
      out.broken.push({ name: n.replace(/\.ya?ml$/, ""), file, error: e });
    }
  }
  return out;
}

/** One error for all broken files: one line per file, each with its file (and line) first. */
export function brokenError(broken: readonly BrokenScenario[]): BacksideError {
  const lines = broken.map((b) => b.error.message);
  return new BacksideError("INVALID_INPUT", lines.join("\n"), {
    details: { files: broken.map((b) => displayPath(b.file)) },
  });
}

export function loadCatalogue(dir = defaultScenarioDir()): Scenario[] {
  const c = readCatalogue(dir);
  if (c.broken.length > 0) throw brokenError(c.broken);
  return c.scenarios;
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

/**
 * The scenarios a run names, from a catalogue that may have broken files: a named scenario whose
 * own file is broken refuses the run; other broken files are only warned about (`warn` gets one
 * line per file). `all` refuses when any file is broken.
 */
export function scenariosToRun(
  c: Catalogue,
  names: string[] | "all",
  warn: (line: string) => void,
): Scenario[] {
  if (names === "all") {
    if (c.broken.length > 0) throw brokenError(c.broken);
    return c.scenarios;
  }
  const named = c.broken.filter((b) => names.includes(b.name));
  if (named.length > 0) throw brokenError(named);
  for (const b of c.broken) warn(`warning: ${b.error.message} (not run)`);
  return selectScenarios(c.scenarios, names);
}

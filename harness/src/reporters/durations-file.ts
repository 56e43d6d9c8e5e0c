/**
 * scenarios/durations.json: how long each scenario took (milliseconds, a run's `timings.total`),
 * which `--shard` balances by. Checked in beside the scenarios and refreshed from report folders
 * with `backside durations`; a scenario missing from it still runs (see shard-scenarios.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BacksideError } from "../errors.js";
import { writeAtomic } from "./write-atomic.js";
import type { ScenarioRunResult } from "../runner/result-types.js";

export const DURATIONS_SCHEMA = "backside.durations.v1";
export const DURATIONS_FILE = "durations.json";

export const durationsPath = (scenarioDir: string) => join(scenarioDir, DURATIONS_FILE);

/** The recorded durations; a missing file is an empty record, a broken one an INVALID_INPUT. */
export function readDurations(file: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new BacksideError("NOT_FOUND", `${file}: cannot read the durations file`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BacksideError("INVALID_INPUT", `${file}: not JSON: ${(e as Error).message}`, {
      hint: "remake it with `backside durations REPORT_DIR`",
    });
  }
  const d = doc as { schema?: unknown; scenarios?: unknown };
  if (d?.schema !== DURATIONS_SCHEMA || typeof d.scenarios !== "object" || d.scenarios === null)
    throw new BacksideError("INVALID_INPUT", `${file}: not a ${DURATIONS_SCHEMA} file`, {
      hint: "remake it with `backside durations REPORT_DIR`",
    });
  const out = new Map<string, number>();
  for (const [name, ms] of Object.entries(d.scenarios)) {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      throw new BacksideError("INVALID_INPUT", `${file}: scenarios.${name} must be a number of milliseconds`);
    out.set(name, ms);
  }
  return out;
}

/**
 * Each scenario's mean time over the runs that ran (repeats and gateways alike); not-applicable,
 * interrupted and errored runs say nothing about how long a scenario takes.
 */
export function durationsOf(results: readonly ScenarioRunResult[]): Map<string, number> {
  const sums = new Map<string, { ms: number; n: number }>();
  for (const r of results) {
    if (r.notApplicable !== undefined || r.interrupted || r.error || r.timings.total <= 0) continue;
    const s = sums.get(r.scenario) ?? { ms: 0, n: 0 };
    s.ms += r.timings.total;
    s.n++;
    sums.set(r.scenario, s);
  }
  return new Map([...sums].map(([name, s]) => [name, Math.round(s.ms / s.n)]));
}

/** The old record with the new durations laid over it, names sorted (a small diff when checked in). */
export function writeDurations(
  file: string,
  old: ReadonlyMap<string, number>,
  fresh: ReadonlyMap<string, number>,
): void {
  const merged = new Map([...old, ...fresh]);
  const scenarios = Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : 1)));
  writeAtomic(file, JSON.stringify({ schema: DURATIONS_SCHEMA, scenarios }, null, 2) + "\n");
}

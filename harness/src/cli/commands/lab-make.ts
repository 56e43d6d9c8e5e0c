/** `backside lab make`: see harness/src/lab/make-lab.ts. */
import Docker from "dockerode";
import { randomInt } from "node:crypto";
import { BacksideError } from "../../errors.js";
import { loadCatalogue, DEFAULT_SCENARIO_DIR } from "../../scenarios/index.js";
import { diagnose } from "../../engine/diagnose.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { makeLab, shown } from "../../lab/make-lab.js";
import { pickScenarios } from "../../lab/select-scenarios.js";
import { STAGE_KINDS, type StageKind } from "../../lab/lab-key.js";
import { checkEnvironment } from "./run.js";
import { GATEWAY_KINDS } from "../../scenarios/schema.js";
import { helpText, intOption, parseOptions, type OptionTable } from "../options.js";

export const options = {
  out: {
    type: "string",
    metavar: "DIR",
    help: "the lab folder: DIR/cases/case-01 ... for the learners, DIR/key.json (required)",
  },
  key: {
    type: "string",
    metavar: "FILE",
    help: "write the key (and the full runs, FILE's name + .runs/) elsewhere",
  },
  scenarios: {
    type: "string",
    metavar: "SPEC",
    help: "names and globs, comma-separated (default: the whole catalogue)",
  },
  count: { type: "string", metavar: "N", help: "how many cases (default: every chosen scenario)" },
  seed: {
    type: "string",
    metavar: "N",
    help: "case order and choice (default: random, printed); same seed, same lab",
  },
  stages: {
    type: "string",
    metavar: "LIST",
    help: `e.g. log,report,capture: each kind of evidence in a numbered stage folder (${STAGE_KINDS.join(", ")})`,
  },
  captures: {
    type: "string",
    metavar: "all|gateway",
    choices: ["all", "gateway"],
    help: "every capture point (default) or the gateway's own interfaces only",
  },
  parallel: { type: "string", metavar: "N", help: "scenarios at once (default 1)" },
  gateway: {
    type: "string",
    metavar: "KIND",
    choices: GATEWAY_KINDS,
    help: "backside (the appliance stand-in, default), nginx or haproxy; runs it cannot produce are left out with a warning",
  },
  dir: { type: "string", metavar: "DIR", help: `scenario folder (default ${DEFAULT_SCENARIO_DIR}/)` },
} satisfies OptionTable;

export const help = helpText(
  "usage: backside lab make --out DIR [options]",
  options,
  "Hand out DIR/cases/ only (e.g. zip -r cases.zip cases). Exit 0 when the lab is written.",
);

export function parseStages(v: string | undefined): StageKind[] {
  if (v === undefined) return [];
  const parts = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of parts)
    if (!(STAGE_KINDS as readonly string[]).includes(p))
      throw new BacksideError("USAGE", `lab make: --stages: unknown stage '${p}'`, {
        hint: `stages are ${STAGE_KINDS.join(", ")}`,
      });
  if (new Set(parts).size !== parts.length)
    throw new BacksideError("USAGE", "lab make: --stages names a stage twice");
  return parts as StageKind[];
}

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab make", options, argv);
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const v = a.values;
  if (!v.out) throw new BacksideError("USAGE", "lab make: --out DIR is required");
  const captures = (v.captures ?? "all") as "all" | "gateway";
  const gateway = GATEWAY_KINDS.find((k) => k === v.gateway);
  const int = (flag: "seed" | "count" | "parallel", min: number, max: number) => {
    const x = v[flag];
    return x === undefined ? undefined : intOption("lab make", `--${flag}`, x, min, max);
  };
  const seed = int("seed", 0, 2 ** 31 - 1) ?? randomInt(2 ** 31 - 1);
  const count = int("count", 1, 1000);
  const parallel = int("parallel", 1, 16) ?? 1;
  const stages = parseStages(v.stages);
  const catalogue = loadCatalogue(v.dir ?? DEFAULT_SCENARIO_DIR);
  const scenarios = pickScenarios(catalogue, v.scenarios);
  const docker = new Docker();
  await checkEnvironment(docker, gateway ? [gateway] : undefined);
  const registry = new CleanupRegistry();
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const lab = await makeLab({
      outDir: v.out,
      keyPath: v.key,
      scenarios,
      catalogueNames: catalogue.map((s) => s.name),
      count,
      seed,
      stages,
      captures,
      parallel,
      ...(gateway ? { gateway } : {}),
      diagnose,
      docker,
      registry,
      signal: abort.signal,
      progress: (l) => process.stderr.write(l + "\n"),
    });
    for (const w of lab.warnings) process.stderr.write(`lab make: warning: ${w}\n`);
    process.stdout.write(
      `lab made: ${lab.key.cases.length} case(s) in ${shown(lab.casesDir)}, key ${shown(lab.keyPath)} (seed ${seed})\n`,
    );
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await registry.stopAll().catch(() => undefined);
  }
}

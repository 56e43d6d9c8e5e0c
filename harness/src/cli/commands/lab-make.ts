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
import { intOf, parseLabArgs } from "./lab-args.js";

const HELP = `usage: backside lab make --out DIR [options]

  --out DIR              the lab folder: DIR/cases/case-01 ... for the learners, DIR/key.json
  --key FILE             write the key (and the full runs, FILE's name + .runs/) elsewhere
  --scenarios SPEC       names and globs, comma-separated (default: the whole catalogue)
  --count N              how many cases (default: every chosen scenario)
  --seed N               case order and choice (default: random, printed); same seed, same lab
  --stages LIST          e.g. log,report,capture: each kind of evidence in a numbered stage folder
  --captures all|gateway every capture point (default) or the gateway's own interfaces only
  --parallel N           scenarios at once (default 1)
  --gateway KIND         backside (the appliance stand-in, default), nginx or haproxy; runs it
                         cannot produce are left out with a warning
  --dir DIR              scenario folder (default ${DEFAULT_SCENARIO_DIR}/)

Hand out DIR/cases/ only (e.g. zip -r cases.zip cases). Exit 0 when the lab is written.`;

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
  const a = parseLabArgs("make", argv, [
    "--out",
    "--key",
    "--scenarios",
    "--count",
    "--seed",
    "--stages",
    "--captures",
    "--parallel",
    "--gateway",
    "--dir",
  ]);
  if (a === "help") {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  const out = a.flags.get("--out");
  if (!out) throw new BacksideError("USAGE", "lab make: --out DIR is required");
  if (a.positionals.length) throw new BacksideError("USAGE", `lab make: unexpected '${a.positionals[0]}'`);
  const captures = a.flags.get("--captures") ?? "all";
  if (captures !== "all" && captures !== "gateway")
    throw new BacksideError("USAGE", "lab make: --captures must be all or gateway");
  const gatewayFlag = a.flags.get("--gateway");
  const gateway = GATEWAY_KINDS.find((k) => k === gatewayFlag);
  if (gatewayFlag !== undefined && !gateway)
    throw new BacksideError("USAGE", "lab make: --gateway must be backside, nginx or haproxy");
  const catalogue = loadCatalogue(a.flags.get("--dir") ?? DEFAULT_SCENARIO_DIR);
  const scenarios = pickScenarios(catalogue, a.flags.get("--scenarios"));
  const seed = intOf("make", "--seed", a.flags.get("--seed"), 0, 2 ** 31 - 1) ?? randomInt(2 ** 31 - 1);
  const docker = new Docker();
  await checkEnvironment(docker, gateway ? [gateway] : undefined);
  const registry = new CleanupRegistry();
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const lab = await makeLab({
      outDir: out,
      keyPath: a.flags.get("--key"),
      scenarios,
      catalogueNames: catalogue.map((s) => s.name),
      count: intOf("make", "--count", a.flags.get("--count"), 1, 1000),
      seed,
      stages: parseStages(a.flags.get("--stages")),
      captures,
      parallel: intOf("make", "--parallel", a.flags.get("--parallel"), 1, 16) ?? 1,
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

/**
 * `lab make`: runs the chosen scenarios with the ordinary runner into a folder kept beside the
 * key, then copies each run's appliance-side evidence into the learner's `cases/` in a seeded
 * order, asks the engine what those files alone say, and writes the key. The learner's folder is
 * searched for every label, scenario name and harness marker before the lab is called made.
 */
import { mkdirSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type Docker from "dockerode";
import type { Scenario } from "../scenarios/schema.js";
import { runCatalogue, flattenEvidence, type Diagnoser, type ScenarioRunResult } from "../runner/index.js";
import type { Reporter } from "../reporters/reporter.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import { CAUSES } from "../taxonomy.js";
import { BacksideError } from "../errors.js";
import { seededShuffle } from "./seeded-shuffle.js";
import { findLeaks, HARNESS_MARKERS } from "./leak-check.js";
import { writeKey, type KeyCase, type LabKey, type StageKind } from "./lab-key.js";
import { caseInput, writeCase, type CaptureChoice, type CaseFiles } from "./case-folder.js";
import { caseName } from "./case-name.js";
import { injectedFault } from "./injected-fault.js";
import type { GatewayKind } from "../scenarios/schema.js";

export interface MakeLabOptions {
  outDir: string;
  keyPath?: string;
  /** Chosen scenarios, before shuffling. */
  scenarios: Scenario[];
  /** Every scenario name in the catalogue: none may appear in the learner's folder. */
  catalogueNames: string[];
  count?: number;
  seed: number;
  stages: StageKind[];
  captures: CaptureChoice;
  parallel: number;
  /** What runs as the gateway (default the appliance stand-in); a scenario's own gateway.kind wins. */
  gateway?: GatewayKind;
  diagnose: Diagnoser;
  docker: Docker;
  registry?: CleanupRegistry;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

export interface MadeLab {
  key: LabKey;
  keyPath: string;
  casesDir: string;
  /** Runs that produced nothing to hand out (skipped), and cases whose evidence the engine reads otherwise. */
  warnings: string[];
}

/** The full runs are kept beside the key, never inside the learner's folder. */
export function runsDirFor(keyPath: string): string {
  return join(dirname(keyPath), `${basename(keyPath, ".json")}.runs`);
}

function quietReporter(progress: (l: string) => void): Reporter {
  let done = 0;
  return {
    name: "lab",
    onRunStart: (i) => progress(`running ${i.planned.length} scenario(s)...`),
    // No scenario name: the trainer may be making the lab in front of the learners.
    onScenarioEnd: () => progress(`  ${++done} run(s) done`),
  };
}

export async function makeLab(o: MakeLabOptions): Promise<MadeLab> {
  const outDir = resolve(o.outDir);
  const keyPath = resolve(o.keyPath ?? join(outDir, "key.json"));
  const casesDir = join(outDir, "cases");
  if (existsSync(casesDir) && readdirSync(casesDir).length)
    throw new BacksideError("USAGE", `${casesDir} already holds cases`, {
      hint: "give an empty or new --out folder",
    });
  if (keyPath.startsWith(casesDir + "/"))
    throw new BacksideError("USAGE", "lab make: --key must not be inside the cases folder");
  const count = o.count ?? o.scenarios.length;
  if (count < 1 || count > o.scenarios.length)
    throw new BacksideError(
      "USAGE",
      `lab make: --count must be 1-${o.scenarios.length} (the scenarios chosen)`,
    );
  const chosen = seededShuffle(o.scenarios, o.seed).slice(0, count);
  const runsDir = runsDirFor(keyPath);
  mkdirSync(runsDir, { recursive: true });
  const progress = o.progress ?? (() => undefined);
  const summary = await runCatalogue({
    scenarios: chosen,
    repeats: 1,
    parallel: o.parallel,
    ...(o.gateway ? { gateways: [o.gateway] } : {}),
    reportDir: runsDir,
    reporter: quietReporter(progress),
    diagnose: o.diagnose,
    docker: o.docker,
    registry: o.registry,
    signal: o.signal,
  });
  if (summary.interrupted) throw new BacksideError("INTERRUPTED", "lab make interrupted: no lab written");
  const warnings: string[] = [];
  const usable = summary.results.filter((r) => {
    const ok = r.artifacts.pcaps.length > 0 || r.artifacts.gatewayLog || r.artifacts.errorReport;
    if (!ok) warnings.push(`run ${r.id} collected nothing (${r.error?.message ?? "no artifacts"}); left out`);
    return ok;
  });
  const cases: KeyCase[] = [];
  for (const [i, r] of usable.entries()) {
    const name = caseName(i, usable.length);
    const c = await makeCase(r, runsDir, join(casesDir, name), name, o);
    if (c.engine.cause !== c.label)
      warnings.push(`${name}: the engine reads its files as ${c.engine.cause}, not ${c.label} (see the key)`);
    cases.push(c);
  }
  writeFileSync(join(casesDir, "README.txt"), learnerReadme(o.stages));
  const leaks = findLeaks(casesDir, [...CAUSES, ...o.catalogueNames, ...HARNESS_MARKERS]);
  if (leaks.length)
    throw new BacksideError(
      "INTERNAL",
      `the learner's folder gives the answer away: ${leaks
        .slice(0, 3)
        .map((l) => `${l.file} (${l.where}) holds '${l.needle}'`)
        .join("; ")}`,
    );
  const key: LabKey = {
    version: 1,
    createdAt: new Date().toISOString(),
    seed: o.seed,
    labDir: outDir,
    stages: o.stages,
    cases,
  };
  writeKey(keyPath, key);
  return { key, keyPath, casesDir, warnings };
}

async function makeCase(
  r: ScenarioRunResult,
  runsDir: string,
  caseDir: string,
  name: string,
  o: MakeLabOptions,
): Promise<KeyCase> {
  const bundleDir = join(runsDir, r.bundle);
  const files = writeCase(r, bundleDir, caseDir, o.stages, o.captures);
  const d = await o.diagnose(caseInput(files));
  const alone = await eachAlone(files, o.diagnose);
  const order: StageKind[] = o.stages.length ? o.stages : ["log", "report", "capture"];
  const enough = order.find((k) => alone[k]?.cause === r.expected);
  return {
    case: name,
    label: r.expected,
    scenario: r.scenario,
    description: r.description,
    engine: {
      cause: d.cause,
      confidence: d.confidence,
      explanation: d.explanation,
      // Sources relative to the case folder: the learner's own file names and packet numbers.
      evidence: flattenEvidence(d.evidence, caseDir).map((e) => ({
        ...e,
        ...(e.source ? { source: e.source.replace(`${caseDir}/`, "") } : {}),
      })),
      nextSteps: d.nextSteps,
    },
    alone,
    injected: injectedFault(o.scenarios.find((s) => s.name === r.scenario)!),
    ...(enough ? { enoughAt: enough } : {}),
    bundle: bundleDir,
    result: join(bundleDir, "result.json"),
  };
}

async function eachAlone(files: CaseFiles, diagnose: Diagnoser): Promise<KeyCase["alone"]> {
  const out: KeyCase["alone"] = {};
  const inputs: [StageKind, boolean, () => ReturnType<typeof caseInput>][] = [
    ["log", Boolean(files.log), () => ({ logs: [files.log!] })],
    ["report", Boolean(files.report), () => ({ errorReport: files.report! })],
    ["capture", files.captures.length > 0, () => caseInput({ captures: files.captures })],
  ];
  for (const [kind, present, input] of inputs) {
    if (!present) continue;
    try {
      const d = await diagnose(input());
      out[kind] = { cause: d.cause, confidence: d.confidence };
    } catch {
      // The engine cannot read this kind alone: no verdict for it.
    }
  }
  return out;
}

/** The learners' note: what a case holds and how to answer; it names no label. */
export function learnerReadme(stages: readonly StageKind[]): string {
  const lines = [
    "Each case-NN folder is one incident: the gateway logged 'Failed to establish a backside",
    "connection'. You have what an engineer collects from the appliance: the gateway's log",
    "(gateway.log), its error report (error-report.txt), packet captures (*.pcap, named",
    "<node>-<interface segment>) and what the client saw (client.txt).",
    "",
    "Name the cause of each case:",
    "  backside lab labels                         the causes you may name",
    "  backside lab answer case-01 LABEL           records your answer in answers.json",
  ];
  if (stages.length)
    lines.push(
      "",
      `The evidence comes in stages (${stages.map((s, i) => `stage-${i + 1}-${s}`).join(", ")}).`,
      "Open them in order and answer after each one:",
      "  backside lab answer case-01 LABEL --stage 1",
    );
  lines.push("", "Hand in answers.json.");
  return lines.join("\n") + "\n";
}

/** For messages: a path relative to the working folder when it is below it. */
export function shown(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

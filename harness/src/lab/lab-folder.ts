/**
 * Where a lab's parts are, from the folder a person points at: the trainer's lab folder (with
 * cases/ and key.json) or a learner's unzipped cases/ folder. answers.json sits in that folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BacksideError } from "../errors.js";
import { STAGE_KINDS, type StageKind } from "./lab-key.js";

export interface LabFolder {
  dir: string;
  casesDir: string;
  cases: string[];
  answersPath: string;
  keyPath: string;
}

const isCaseDir = (d: string, n: string) => /^case-\d+$/.test(n) && statSync(join(d, n)).isDirectory();

export function openLabFolder(dir = "."): LabFolder {
  const d = resolve(dir);
  if (!existsSync(d)) throw new BacksideError("NOT_FOUND", `no folder ${dir}`);
  const inner = join(d, "cases");
  const casesDir = existsSync(inner) ? inner : d;
  const cases = readdirSync(casesDir)
    .filter((n) => isCaseDir(casesDir, n))
    .sort();
  return { dir: d, casesDir, cases, answersPath: join(d, "answers.json"), keyPath: join(d, "key.json") };
}

/** Where a grade reads from: a folder (answers.json and key.json inside) or an answers file. */
export function answersLocation(target: string): { answersPath: string; keyPath: string } {
  const p = resolve(target);
  if (existsSync(p) && statSync(p).isFile()) return { answersPath: p, keyPath: join(dirname(p), "key.json") };
  const f = openLabFolder(target);
  return { answersPath: f.answersPath, keyPath: f.keyPath };
}

/** The stages a case folder was made with, in order (`stage-1-log`, `stage-2-report`, ...). */
export function caseStages(caseDir: string): StageKind[] {
  if (!existsSync(caseDir)) return [];
  return readdirSync(caseDir)
    .map((n) => /^stage-(\d+)-(\w+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && (STAGE_KINDS as readonly string[]).includes(m[2]))
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[2] as StageKind);
}

/** `--stage 2` or `--stage report`, against the stages the case has. */
export function normaliseStage(input: string, stages: readonly StageKind[]): StageKind {
  const n = Number(input);
  const hit = Number.isInteger(n) ? stages[n - 1] : stages.find((s) => s === input.trim().toLowerCase());
  if (hit) return hit;
  throw new BacksideError("USAGE", `no stage '${input}' in this case`, {
    hint: stages.length
      ? `stages: ${stages.map((s, i) => `${i + 1} ${s}`).join(", ")}`
      : "this lab has no stages",
  });
}

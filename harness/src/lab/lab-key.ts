/**
 * The answer key: kept apart from the learner's folder (DIR/key.json or --key FILE). It maps
 * each case to its label, scenario and description, what the engine said from the case's own
 * files, and where the full run (faults, stand-in logs) is kept for the reveal.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { CAUSES } from "../taxonomy.js";
import { BacksideError } from "../errors.js";

export const STAGE_KINDS = ["log", "report", "capture"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

const cause = z.enum(CAUSES);
const verdict = z.object({ cause, confidence: z.enum(["high", "medium", "low"]) });

const KeyCase = z.object({
  case: z.string(),
  label: cause,
  scenario: z.string(),
  description: z.string(),
  engine: verdict.extend({
    explanation: z.string(),
    evidence: z.array(z.object({ text: z.string(), source: z.string().optional() })),
    nextSteps: z.array(z.string()),
  }),
  /** The engine from each kind of the case's artifacts alone. */
  alone: z.partialRecord(z.enum(STAGE_KINDS), verdict),
  /** The first stage whose artifact alone names the cause, when one does. */
  enoughAt: z.enum(STAGE_KINDS).optional(),
  /** What the scenario injected, one line each (firewall, DNS, backend, topology, mid-run). */
  injected: z.array(z.string()).default([]),
  /** The run's full bundle (faults, stand-ins' logs), absolute. */
  bundle: z.string(),
  /** The run's result.json, absolute. */
  result: z.string(),
});
export type KeyCase = z.infer<typeof KeyCase>;

const LabKey = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  seed: z.number().int(),
  /** Where the learner's folder is (the folder holding cases/). */
  labDir: z.string(),
  stages: z.array(z.enum(STAGE_KINDS)),
  cases: z.array(KeyCase),
});
export type LabKey = z.infer<typeof LabKey>;

export function writeKey(path: string, key: LabKey): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(key, null, 2) + "\n");
}

export function readKey(path: string): LabKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new BacksideError("NOT_FOUND", `no lab key at ${path}`, {
      cause: e,
      hint: "give --key FILE, or the lab folder that `backside lab make` wrote",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BacksideError("INVALID_INPUT", `${path}: not JSON`, { cause: e });
  }
  const r = LabKey.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new BacksideError("INVALID_INPUT", `${path}: ${i.path.join(".") || "(top)"}: ${i.message}`, {
      hint: "a key is written by `backside lab make`",
    });
  }
  return r.data;
}

export function keyCase(key: LabKey, name: string): KeyCase {
  const c = key.cases.find((x) => x.case === name);
  if (!c)
    throw new BacksideError("USAGE", `no case '${name}' in the key`, {
      hint: `cases: ${key.cases.map((x) => x.case).join(", ")}`,
    });
  return c;
}

/**
 * A learner's answers: DIR/answers.json, appended to by `lab answer`. One entry per answer in
 * the order given; a later answer for the same case (and stage) replaces an earlier one when
 * graded, so a learner may change their mind.
 */
import { existsSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { z } from "zod";
import { BacksideError } from "../errors.js";
import { STAGE_KINDS, type StageKind } from "./lab-key.js";

const Answer = z.object({
  case: z.string(),
  /** As typed and checked when recorded; a hand-edited file may hold anything. */
  label: z.string(),
  stage: z.enum(STAGE_KINDS).optional(),
  at: z.string(),
});
export type Answer = z.infer<typeof Answer>;

const AnswersFile = z.object({
  version: z.literal(1),
  learner: z.string().optional(),
  answers: z.array(Answer),
});
export type AnswersFile = z.infer<typeof AnswersFile>;

export function readAnswers(path: string): AnswersFile {
  if (!existsSync(path))
    throw new BacksideError("NOT_FOUND", `no answers at ${path}`, {
      hint: "answers are recorded with `backside lab answer CASE LABEL`",
    });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BacksideError("INVALID_INPUT", `${path}: not JSON`, { cause: e });
  }
  const r = AnswersFile.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new BacksideError("INVALID_INPUT", `${path}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  return r.data;
}

export function appendAnswer(
  path: string,
  a: { case: string; label: string; stage?: StageKind },
  learner?: string,
): AnswersFile {
  const file: AnswersFile = existsSync(path) ? readAnswers(path) : { version: 1, answers: [] };
  if (learner) file.learner = learner;
  file.answers.push({ ...a, at: new Date().toISOString() });
  // Write then rename: an interrupted write never leaves half a file of someone's answers.
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2) + "\n");
  renameSync(`${path}.tmp`, path);
  return file;
}

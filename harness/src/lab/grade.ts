/**
 * Answers against the key: a case is right when its last answer names the true label; with
 * stages, each stage is scored on the last answer given at that stage, beside the stage at which
 * the engine says the evidence was already enough.
 */
import { isCause, type Cause } from "../taxonomy.js";
import type { LabKey, StageKind } from "./lab-key.js";
import type { AnswersFile } from "./answers-file.js";
import { didYouMean } from "./suggest-label.js";

export interface StageAnswer {
  answer: string | null;
  right: boolean;
}

export interface CaseGrade {
  case: string;
  answer: string | null;
  truth: Cause;
  right: boolean;
  stages?: Partial<Record<StageKind, StageAnswer>>;
  /** The first stage whose evidence alone names the cause (engine). */
  enoughAt?: StageKind;
  /** A label not in the taxonomy (a hand-edited file). */
  note?: string;
}

export interface StageScore {
  stage: StageKind;
  score: number;
  total: number;
  /** Cases where the engine named the cause from this stage's evidence alone. */
  engineEnough: number;
}

export interface Grade {
  learner?: string;
  score: number;
  total: number;
  cases: CaseGrade[];
  stages?: StageScore[];
  /** Answers for cases the key does not have. */
  unknownCases: string[];
}

export function grade(key: LabKey, answers: AnswersFile): Grade {
  const last = new Map<string, string>();
  const lastAt = new Map<string, string>();
  for (const a of answers.answers) {
    last.set(a.case, a.label);
    if (a.stage) lastAt.set(`${a.case}\u0000${a.stage}`, a.label);
  }
  const cases: CaseGrade[] = key.cases.map((k) => {
    const answer = last.get(k.case) ?? null;
    const g: CaseGrade = { case: k.case, answer, truth: k.label, right: answer === k.label };
    if (answer !== null && !isCause(answer)) g.note = `'${answer}' is not a label (${didYouMean(answer)})`;
    if (k.enoughAt) g.enoughAt = k.enoughAt;
    if (key.stages.length) {
      g.stages = {};
      for (const s of key.stages) {
        const at = lastAt.get(`${k.case}\u0000${s}`) ?? null;
        g.stages[s] = { answer: at, right: at === k.label };
      }
    }
    return g;
  });
  const known = new Set(key.cases.map((c) => c.case));
  const out: Grade = {
    ...(answers.learner ? { learner: answers.learner } : {}),
    score: cases.filter((c) => c.right).length,
    total: cases.length,
    cases,
    unknownCases: [...new Set(answers.answers.map((a) => a.case).filter((c) => !known.has(c)))],
  };
  if (key.stages.length)
    out.stages = key.stages.map((s) => ({
      stage: s,
      score: cases.filter((c) => c.stages?.[s]?.right).length,
      total: cases.length,
      engineEnough: key.cases.filter((k) => k.alone[s]?.cause === k.label).length,
    }));
  return out;
}

export function formatGrade(g: Grade): string {
  const w = Math.max(6, ...g.cases.map((c) => (c.answer ?? "-").length));
  const lines: string[] = g.learner ? [`learner ${g.learner}`] : [];
  for (const c of g.cases) {
    let line = `${c.case}  ${(c.answer ?? "-").padEnd(w)}  ${c.right ? "right" : "wrong"}  (truth ${c.truth})`;
    if (c.stages)
      line +=
        "  stages " +
        Object.entries(c.stages)
          .map(([s, a]) => `${s}:${a?.answer === null ? "-" : a?.right ? "✓" : "✘"}`)
          .join(" ");
    if (c.enoughAt) line += `  enough at ${c.enoughAt}`;
    lines.push(line);
    if (c.note) lines.push(`  note: ${c.note}`);
  }
  for (const u of g.unknownCases)
    lines.push(`note: answers for '${u}', which the key does not have, were ignored`);
  if (g.stages)
    for (const s of g.stages)
      lines.push(
        `stage ${s.stage}: ${s.score}/${s.total} (the engine named ${s.engineEnough}/${s.total} from it alone)`,
      );
  lines.push(`score ${g.score}/${g.total}`);
  return lines.join("\n") + "\n";
}

/** `backside lab grade [--key FILE] [DIR|answers.json]`: prints the grade and writes grade.json. */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BacksideError } from "../../errors.js";
import { readAnswers } from "../../lab/answers-file.js";
import { readKey } from "../../lab/lab-key.js";
import { answersLocation } from "../../lab/lab-folder.js";
import { formatGrade, grade } from "../../lab/grade.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {
  key: { type: "string", metavar: "FILE", help: "the key (default key.json beside the answers)" },
  out: { type: "string", metavar: "FILE", help: "where grade.json goes (default beside the answers)" },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside lab grade [--key FILE] [--out FILE] [DIR|answers.json]",
    "",
    "  DIR|answers.json  the learner's answers (default ./answers.json)",
  ],
  options,
  "Prints a score per case, per stage when the lab has stages, and in total. Exit 0.",
);

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab grade", options, argv, { positionals: true });
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  if (a.positionals.length > 1)
    throw new BacksideError("USAGE", "lab grade: give one folder or answers file");
  const where = answersLocation(a.positionals[0] ?? ".");
  const key = readKey(a.values.key ?? where.keyPath);
  const g = grade(key, readAnswers(where.answersPath));
  const out = a.values.out ?? join(dirname(where.answersPath), "grade.json");
  writeFileSync(out, JSON.stringify(g, null, 2) + "\n");
  process.stdout.write(formatGrade(g) + `grade written to ${out}\n`);
  return 0;
}

/** `backside lab report --key FILE ANSWERS...`: every learner's grade on one HTML page. */
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BacksideError } from "../../errors.js";
import { readAnswers } from "../../lab/answers-file.js";
import { readKey } from "../../lab/lab-key.js";
import { answersLocation } from "../../lab/lab-folder.js";
import { grade } from "../../lab/grade.js";
import { gradesPage } from "../../lab/grades-page.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {
  key: { type: "string", metavar: "FILE", help: "the lab's key (required)" },
  out: { type: "string", metavar: "FILE", help: "the page (default grades.html beside the key)" },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside lab report --key FILE [--out FILE] ANSWERS...",
    "",
    "  ANSWERS...  answers files (or folders holding answers.json), one per learner",
  ],
  options,
);

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab report", options, argv, { positionals: true });
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const keyPath = a.values.key;
  if (!keyPath) throw new BacksideError("USAGE", "lab report: --key FILE is required");
  if (!a.positionals.length) throw new BacksideError("USAGE", "lab report: give at least one answers file");
  const key = readKey(keyPath);
  const learners = a.positionals.map((p) => {
    const path = answersLocation(p).answersPath;
    const file = readAnswers(path);
    return { who: file.learner ?? `${basename(dirname(path))}/${basename(path)}`, grade: grade(key, file) };
  });
  const out = a.values.out ?? join(dirname(keyPath), "grades.html");
  writeFileSync(out, gradesPage(key, learners));
  for (const l of learners) process.stdout.write(`${l.who}: ${l.grade.score}/${l.grade.total}\n`);
  process.stdout.write(`page written to ${out}\n`);
  return 0;
}

/** `backside lab report --key FILE ANSWERS...`: every learner's grade on one HTML page. */
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BacksideError } from "../../errors.js";
import { readAnswers } from "../../lab/answers-file.js";
import { readKey } from "../../lab/lab-key.js";
import { answersLocation } from "../../lab/lab-folder.js";
import { grade } from "../../lab/grade.js";
import { gradesPage } from "../../lab/grades-page.js";
import { parseLabArgs } from "./lab-args.js";

const HELP = `usage: backside lab report --key FILE [--out FILE] ANSWERS...

  ANSWERS...   answers files (or folders holding answers.json), one per learner
  --key FILE   the lab's key
  --out FILE   the page (default grades.html beside the key)`;

export async function run(argv: string[]): Promise<number> {
  const a = parseLabArgs("report", argv, ["--key", "--out"]);
  if (a === "help") {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  const keyPath = a.flags.get("--key");
  if (!keyPath) throw new BacksideError("USAGE", "lab report: --key FILE is required");
  if (!a.positionals.length) throw new BacksideError("USAGE", "lab report: give at least one answers file");
  const key = readKey(keyPath);
  const learners = a.positionals.map((p) => {
    const path = answersLocation(p).answersPath;
    const file = readAnswers(path);
    return { who: file.learner ?? `${basename(dirname(path))}/${basename(path)}`, grade: grade(key, file) };
  });
  const out = a.flags.get("--out") ?? join(dirname(keyPath), "grades.html");
  writeFileSync(out, gradesPage(key, learners));
  for (const l of learners) process.stdout.write(`${l.who}: ${l.grade.score}/${l.grade.total}\n`);
  process.stdout.write(`page written to ${out}\n`);
  return 0;
}

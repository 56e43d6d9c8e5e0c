/** `backside lab answer CASE LABEL [--stage S]`: appends one answer to answers.json. */
import { BacksideError } from "../../errors.js";
import { appendAnswer } from "../../lab/answers-file.js";
import { normaliseCase } from "../../lab/case-name.js";
import { caseStages, normaliseStage, openLabFolder } from "../../lab/lab-folder.js";
import { checkLabel } from "../../lab/suggest-label.js";
import { join } from "node:path";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {
  stage: {
    type: "string",
    metavar: "S",
    help: "the stage you answer after (1, 2, 3 or log, report, capture)",
  },
  dir: { type: "string", metavar: "DIR", help: "the lab or cases folder (default: the current folder)" },
  answers: { type: "string", metavar: "FILE", help: "where to append (default DIR/answers.json)" },
  learner: {
    type: "string",
    metavar: "NAME",
    help: "your name, kept in the answers file for the trainer's report",
  },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside lab answer CASE LABEL [--stage S] [--dir DIR] [--answers FILE] [--learner NAME]",
    "",
    "  CASE   case-01, 01 or 1",
    "  LABEL  a cause label (`backside lab labels`)",
  ],
  options,
);

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab answer", options, argv, { positionals: true });
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const v = a.values;
  if (a.positionals.length !== 2)
    throw new BacksideError("USAGE", "lab answer: give CASE and LABEL", {
      hint: "e.g. lab answer case-01 dns.nxdomain",
    });
  const folder = openLabFolder(v.dir ?? ".");
  if (!folder.cases.length)
    throw new BacksideError("NOT_FOUND", `no case folders in ${folder.dir}`, {
      hint: "run it in the lab's folder or give --dir",
    });
  const name = normaliseCase(a.positionals[0], folder.cases);
  const label = checkLabel(a.positionals[1]);
  const s = v.stage;
  const stage = s === undefined ? undefined : normaliseStage(s, caseStages(join(folder.casesDir, name)));
  const path = v.answers ?? folder.answersPath;
  const file = appendAnswer(path, { case: name, label, ...(stage ? { stage } : {}) }, v.learner);
  process.stdout.write(
    `${name}${stage ? ` (${stage})` : ""}: ${label} recorded in ${path} (${file.answers.length} answer(s))\n`,
  );
  return 0;
}

/** `backside lab answer CASE LABEL [--stage S]`: appends one answer to answers.json. */
import { BacksideError } from "../../errors.js";
import { appendAnswer } from "../../lab/answers-file.js";
import { normaliseCase } from "../../lab/case-name.js";
import { caseStages, normaliseStage, openLabFolder } from "../../lab/lab-folder.js";
import { checkLabel } from "../../lab/suggest-label.js";
import { join } from "node:path";
import { parseLabArgs } from "./lab-args.js";

const HELP = `usage: backside lab answer CASE LABEL [--stage S] [--dir DIR] [--answers FILE] [--learner NAME]

  CASE            case-01, 01 or 1
  LABEL           a cause label (\`backside lab labels\`)
  --stage S       the stage you answer after (1, 2, 3 or log, report, capture)
  --dir DIR       the lab or cases folder (default: the current folder)
  --answers FILE  where to append (default DIR/answers.json)
  --learner NAME  your name, kept in the answers file for the trainer's report`;

export async function run(argv: string[]): Promise<number> {
  const a = parseLabArgs("answer", argv, ["--stage", "--dir", "--answers", "--learner"]);
  if (a === "help") {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  if (a.positionals.length !== 2)
    throw new BacksideError("USAGE", "lab answer: give CASE and LABEL", {
      hint: "e.g. lab answer case-01 dns.nxdomain",
    });
  const folder = openLabFolder(a.flags.get("--dir") ?? ".");
  if (!folder.cases.length)
    throw new BacksideError("NOT_FOUND", `no case folders in ${folder.dir}`, {
      hint: "run it in the lab's folder or give --dir",
    });
  const name = normaliseCase(a.positionals[0], folder.cases);
  const label = checkLabel(a.positionals[1]);
  const s = a.flags.get("--stage");
  const stage = s === undefined ? undefined : normaliseStage(s, caseStages(join(folder.casesDir, name)));
  const path = a.flags.get("--answers") ?? folder.answersPath;
  const file = appendAnswer(
    path,
    { case: name, label, ...(stage ? { stage } : {}) },
    a.flags.get("--learner"),
  );
  process.stdout.write(
    `${name}${stage ? ` (${stage})` : ""}: ${label} recorded in ${path} (${file.answers.length} answer(s))\n`,
  );
  return 0;
}

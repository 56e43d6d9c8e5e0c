/** `backside lab reveal CASE`: prints the answer and writes it as an HTML page. */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BacksideError } from "../../errors.js";
import { analyzeCapture } from "../../flows/index.js";
import { readKey, keyCase } from "../../lab/lab-key.js";
import { normaliseCase } from "../../lab/case-name.js";
import { openLabFolder } from "../../lab/lab-folder.js";
import { readAnswers } from "../../lab/answers-file.js";
import { buildReveal, revealPage, revealText } from "../../lab/reveal-page.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {
  dir: { type: "string", metavar: "DIR", help: "the lab folder (default: the current folder)" },
  key: { type: "string", metavar: "FILE", help: "the key (default DIR/key.json)" },
  answers: {
    type: "string",
    metavar: "FILE",
    help: "show this learner's answer beside the truth (default DIR/answers.json if present)",
  },
  out: { type: "string", metavar: "FILE", help: "the HTML page (default reveal-CASE.html beside the key)" },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside lab reveal CASE [--dir DIR] [--key FILE] [--answers FILE] [--out FILE]",
    "",
    "  CASE  case-01, 01 or 1",
  ],
  options,
);

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab reveal", options, argv, { positionals: true });
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const v = a.values;
  if (a.positionals.length !== 1) throw new BacksideError("USAGE", "lab reveal: give one CASE");
  const folder = openLabFolder(v.dir ?? ".");
  const keyPath = v.key ?? folder.keyPath;
  const key = readKey(keyPath);
  const name = normaliseCase(
    a.positionals[0],
    key.cases.map((c) => c.case),
  );
  const c = keyCase(key, name);
  const casesDir = folder.cases.includes(name) ? folder.casesDir : join(key.labDir, "cases");
  const answersPath = v.answers ?? folder.answersPath;
  const answer = existsSync(answersPath)
    ? readAnswers(answersPath)
        .answers.filter((x) => x.case === name)
        .at(-1)?.label
    : undefined;
  const r = await buildReveal(
    c,
    join(casesDir, name),
    (p) => analyzeCapture(p, { ignoreChecksums: true }),
    answer,
  );
  const out = v.out ?? join(dirname(keyPath), `reveal-${name}.html`);
  writeFileSync(out, revealPage(r));
  process.stdout.write(revealText(r) + `\npage written to ${out}\n`);
  return 0;
}

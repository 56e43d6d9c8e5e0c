/** `backside lab labels`: the labels an answer may name, with what each means. */
import { CAUSES, CAUSE_TITLES } from "../../taxonomy.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {} satisfies OptionTable;

export const help = helpText("usage: backside lab labels", options, "The cause labels `lab answer` accepts.");

export async function run(argv: string[]): Promise<number> {
  if (parseOptions("lab labels", options, argv) === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const w = Math.max(...CAUSES.map((c) => c.length));
  for (const c of CAUSES) process.stdout.write(`${c.padEnd(w)}  ${CAUSE_TITLES[c]}\n`);
  return 0;
}

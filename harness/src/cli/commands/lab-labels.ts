/** `backside lab labels`: the labels an answer may name, with what each means. */
import { CAUSES, CAUSE_TITLES } from "../../taxonomy.js";

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write("usage: backside lab labels\n\nThe cause labels `lab answer` accepts.\n");
    return 0;
  }
  const w = Math.max(...CAUSES.map((c) => c.length));
  for (const c of CAUSES) process.stdout.write(`${c.padEnd(w)}  ${CAUSE_TITLES[c]}\n`);
  return 0;
}

/**
 * `backside lab <sub>`: training labs. Each subcommand lives in its own lab-<sub>.ts file and
 * exports `run(argv)`; this file only dispatches.
 */
import { BacksideError } from "../../errors.js";

export const summary = "training labs: make blind cases, answer, grade, reveal; live broken topology + shell";

const SUBS: Record<
  string,
  { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }
> = {
  make: {
    summary: "run scenarios and write the learner's cases/ and a separate key",
    load: () => import("./lab-make.js"),
  },
  answer: {
    summary: "record an answer: lab answer CASE LABEL [--stage S]",
    load: () => import("./lab-answer.js"),
  },
  grade: { summary: "grade answers against the key, write grade.json", load: () => import("./lab-grade.js") },
  reveal: {
    summary: "the answer to one case, printed and as an HTML page",
    load: () => import("./lab-reveal.js"),
  },
  report: { summary: "one HTML page with every learner's grade", load: () => import("./lab-report.js") },
  start: {
    summary: "bring up a case's broken topology until `lab stop` or Ctrl-C",
    load: () => import("./lab-start.js"),
  },
  shell: {
    summary: "the appliance-like CLI on the live lab's gateway",
    load: () => import("./lab-shell.js"),
  },
  stop: { summary: "tear the live lab down", load: () => import("./lab-stop.js") },
  labels: { summary: "the cause labels an answer may name", load: () => import("./lab-labels.js") },
};

function usage(): string {
  const lines = ["usage: backside lab <subcommand> [options]", "", "subcommands:"];
  for (const [n, s] of Object.entries(SUBS)) lines.push(`  ${n.padEnd(8)} ${s.summary}`);
  lines.push("", "Run `backside lab <subcommand> --help` for its options. See docs/training.md.");
  return lines.join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h" || sub === "help") {
    process.stdout.write(usage() + "\n");
    return sub ? 0 : 2;
  }
  const s = SUBS[sub];
  if (!s)
    throw new BacksideError("USAGE", `lab: unknown subcommand '${sub}'`, {
      hint: "run `backside lab --help`",
    });
  return (await s.load()).run(rest);
}

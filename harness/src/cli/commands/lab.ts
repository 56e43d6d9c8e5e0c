/**
 * `backside lab <sub>`: training labs. Each subcommand lives in its own lab-<sub>.ts file and
 * exports `run(argv)`, `help` and `options` (its table in ../options.ts, so `--flag=value`,
 * `help lab SUB` and shell completion work as for every command); this file only dispatches.
 */
import { BacksideError } from "../../errors.js";
import type { OptionTable } from "../options.js";

export interface LabSubcommand {
  run(argv: string[]): Promise<number>;
  help: string;
  options: OptionTable;
}

export const summary = "training labs: make blind cases, answer, grade, reveal; live broken topology + shell";

const SUBS: Record<string, { summary: string; load: () => Promise<LabSubcommand> }> = {
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

export const options = {} satisfies OptionTable;
export const subcommands = Object.keys(SUBS);

export const help = (() => {
  const lines = ["usage: backside lab <subcommand> [options]", "", "subcommands:"];
  for (const [n, s] of Object.entries(SUBS)) lines.push(`  ${n.padEnd(8)} ${s.summary}`);
  lines.push("", "Run `backside lab <subcommand> --help` for its options. See docs/training.md.");
  return lines.join("\n");
})();

/** One subcommand's module (for help and completion), or a usage error naming it. */
export function subcommand(name: string): Promise<LabSubcommand> {
  const s = Object.hasOwn(SUBS, name) ? SUBS[name] : undefined;
  if (!s)
    throw new BacksideError("USAGE", `lab: unknown subcommand '${name}'`, {
      hint: "run `backside lab --help`",
    });
  return s.load();
}

/** Each subcommand with its summary, for completion. */
export function subcommandSummaries(): [string, string][] {
  return Object.entries(SUBS).map(([n, s]) => [n, s.summary]);
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  // `lab help make` is `lab make --help`, as `backside help lab make` is.
  if (sub === "help" && rest.length > 0) return (await subcommand(rest[0])).run(["--help"]);
  if (!sub || sub === "--help" || sub === "-h" || sub === "help") {
    process.stdout.write(help + "\n");
    return sub ? 0 : 2;
  }
  return (await subcommand(sub)).run(rest);
}

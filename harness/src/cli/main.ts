/**
 * The `backside` command line: a thin shell. Each command lives in ./commands/<name>.ts and
 * exports `run(argv: string[]): Promise<number>` (the exit code) and `summary` (one line of help);
 * most also export `help` (what `--help` prints) and `options` (their OptionTable, ./options.ts),
 * which `help CMD` and shell completion read. Errors become one line and a documented exit code
 * (see README "Exit codes").
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BacksideError, oneLine, isBacksideError } from "../errors.js";
import { repoRoot } from "../images/repo-root.js";
import type { OptionTable } from "./options.js";

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
  help?: string;
  options?: OptionTable;
  /** First words the command takes (`images build`, `completion bash`), for completion. */
  subcommands?: readonly string[];
  /** A subcommand with options of its own (`lab make`): its table, for completion. */
  subcommand?(name: string): Promise<{ options: OptionTable }>;
  /** Each such subcommand and its one line of help. */
  subcommandSummaries?(): [string, string][];
}

export const commands: Record<string, () => Promise<Command>> = {
  run: () => import("./commands/run.js"),
  merge: () => import("./commands/merge.js"),
  durations: () => import("./commands/durations.js"),
  diagnose: () => import("./commands/diagnose.js"),
  flows: () => import("./commands/flows.js"),
  clean: () => import("./commands/clean.js"),
  images: () => import("./commands/images.js"),
  up: () => import("./commands/up.js"),
  list: () => import("./commands/list.js"),
  completion: () => import("./commands/completion.js"),
  lab: () => import("./commands/lab.js"),
};

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;
}

async function usage(): Promise<string> {
  const lines = ["usage: backside <command> [options]", "", "commands:"];
  for (const [name, load] of Object.entries(commands)) {
    let summary = "";
    try {
      summary = (await load()).summary;
    } catch {
      summary = "(not available)";
    }
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push(
    "",
    "Run `backside help <command>` or `backside <command> --help` for a command's options;",
    "`backside --version` prints the version.",
  );
  return lines.join("\n");
}

async function load(name: string): Promise<Command> {
  const l = commands[name];
  if (!l) throw new BacksideError("USAGE", `unknown command '${name}'`, { hint: "run `backside --help`" });
  return l();
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    process.stdout.write(packageVersion() + "\n");
    return 0;
  }
  if (name === "help" && rest.length > 1) {
    // `help lab make` is `lab make --help`: the subcommand prints its own help.
    return (await load(rest[0])).run([...rest.slice(1), "--help"]);
  }
  if (name === "help" && rest.length > 0) {
    // The same text as `CMD --help`, from the same place.
    const cmd = await load(rest[0]);
    if (cmd.help === undefined) return cmd.run(["--help"]);
    process.stdout.write(cmd.help + "\n");
    return 0;
  }
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write((await usage()) + "\n");
    return name ? 0 : 2;
  }
  return (await load(name)).run(rest);
}

/** What the bin prints for an error: one line each (several broken files are one error). */
export function reportError(e: unknown): number {
  for (const line of oneLine(e).split("\n")) process.stderr.write(`backside: ${line}\n`);
  if (process.env.BACKSIDE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return isBacksideError(e) ? e.exitCode : 70;
}

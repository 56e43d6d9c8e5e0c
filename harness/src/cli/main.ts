/**
 * The `backside` command line: a thin shell. Each command lives in ./commands/<name>.ts and
 * exports `run(argv: string[]): Promise<number>` (the exit code) and `summary` (one line of help).
 * Errors become one line and a documented exit code (see README "Exit codes").
 */
import { BacksideError, oneLine, isBacksideError } from "../errors.js";

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  run: () => import("./commands/run.js"),
  diagnose: () => import("./commands/diagnose.js"),
  flows: () => import("./commands/flows.js"),
  clean: () => import("./commands/clean.js"),
  images: () => import("./commands/images.js"),
  up: () => import("./commands/up.js"),
  list: () => import("./commands/list.js"),
  lab: () => import("./commands/lab.js"),
};

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
  lines.push("", "Run `backside <command> --help` for a command's options.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write((await usage()) + "\n");
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) throw new BacksideError("USAGE", `unknown command '${name}'`, { hint: "run `backside --help`" });
  const cmd = await load();
  return cmd.run(rest);
}

const isEntry = process.argv[1] && /main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`backside: ${oneLine(e)}\n`);
      if (process.env.BACKSIDE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = isBacksideError(e) ? e.exitCode : 70;
    },
  );
}

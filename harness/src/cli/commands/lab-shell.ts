/** `backside lab shell [-c COMMAND]`: the appliance-like CLI on the live lab's gateway. */
import Docker from "dockerode";
import { writeFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { defaultStatePath, liveLab, type LiveState } from "../../lab/live-state.js";
import { gatewayMgmt } from "../../lab/gateway-mgmt.js";
import { runRepl, runShellLine } from "../../lab/lab-shell.js";
import type { ShellIo } from "../../lab/shell-commands.js";
import { BacksideError } from "../../errors.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {
  command: {
    type: "string",
    metavar: "COMMAND",
    short: "c",
    help: 'run one command and exit (e.g. -c "show dns-cache")',
  },
  "out-dir": {
    type: "string",
    metavar: "DIR",
    help: "where packet-capture get and error-report save files (default: the current folder)",
  },
  state: { type: "string", metavar: "FILE", help: "the live lab's state file (as given to lab start)" },
} satisfies OptionTable;

export const help = helpText(
  "usage: backside lab shell [-c COMMAND] [--state FILE] [--out-dir DIR]",
  options,
  "Type help in the shell for its commands.",
);

export function shellIo(state: LiveState, outDir: string): ShellIo {
  return {
    mgmt: gatewayMgmt(new Docker(), state),
    save(name, data) {
      // Only a plain file name: the learner's folder, nothing written elsewhere by accident.
      const base = name.replace(/[^A-Za-z0-9._-]/g, "_");
      let path = resolve(outDir, base);
      for (let i = 1; existsSync(path) && i < 1000; i++) path = resolve(outDir, `${i}-${base}`);
      writeFileSync(path, data);
      return path;
    },
  };
}

export function banner(state: LiveState): string {
  return `Connected to the lab's gateway${state.case ? ` (${state.case})` : ""}. Type help for commands, exit to leave.`;
}

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab shell", options, argv, { positionals: true });
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  if (a.positionals.length)
    throw new BacksideError("USAGE", `lab shell: unexpected '${a.positionals[0]}' (use -c "COMMAND")`);
  const state = liveLab(a.values.state ?? defaultStatePath());
  const io = shellIo(state, resolve(a.values["out-dir"] ?? "."));
  const one = a.values.command;
  if (one !== undefined) {
    const text = await runShellLine(one, io);
    if (text) process.stdout.write(text + "\n");
    return text?.startsWith("% ") ? 1 : 0;
  }
  await runRepl(
    io,
    process.stdin,
    process.stdout,
    `Connected to the lab's gateway${state.case ? ` (${state.case})` : ""}. Type help for commands, exit to leave.`,
  );
  return 0;
}

/**
 * The appliance-like shell: one line in, the command's text out, each bounded by its limit. A
 * failing command prints one line and the shell goes on; `exit` (or end of input) leaves it.
 */
import { createInterface } from "node:readline";
import { oneLine } from "../errors.js";
import { withTimeout } from "../util/poll-until.js";
import { findCommand, helpText, type ShellIo } from "./shell-commands.js";

export const PROMPT = "idg# ";

export function splitLine(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

/** The text a line prints; `undefined` for exit. Never throws. */
export async function runShellLine(line: string, io: ShellIo): Promise<string | undefined> {
  const words = splitLine(line);
  if (!words.length) return "";
  const first = words[0].toLowerCase();
  if (first === "exit" || first === "quit") return undefined;
  if (first === "help" || first === "?") return helpText();
  const hit = findCommand(words);
  if (!hit) return `% Unknown command '${words.join(" ")}' (type help)`;
  try {
    return await withTimeout(hit.cmd.run(hit.args, io), hit.cmd.limit(hit.args) * 1000, hit.cmd.usage);
  } catch (e) {
    return `% ${oneLine(e)}`;
  }
}

export async function runRepl(
  io: ShellIo,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  banner: string,
): Promise<void> {
  const rl = createInterface({
    input,
    output,
    prompt: PROMPT,
    terminal: (output as { isTTY?: boolean }).isTTY === true,
  });
  output.write(banner + "\n");
  rl.prompt();
  try {
    for await (const line of rl) {
      const text = await runShellLine(line, io);
      if (text === undefined) break;
      if (text) output.write(text + "\n");
      rl.prompt();
    }
  } finally {
    rl.close();
  }
}

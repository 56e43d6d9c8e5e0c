/**
 * How every command declares and reads its options: one table per command, keyed by the long
 * name. The same table parses the command line (`--flag value` and `--flag=value` alike, `-h` and
 * `--help` always), prints the help (`helpText`) and feeds shell completion, so adding an option
 * is adding one entry.
 *
 *   export const options = {
 *     parallel: { type: "string", metavar: "N", help: "scenarios at once (default 1)" },
 *     all: { type: "boolean", help: "every scenario in the catalogue" },
 *     ...FORMAT_OPTIONS,
 *   } satisfies OptionTable;
 */
import { BacksideError } from "../errors.js";

interface BaseSpec {
  help: string;
  /** One-letter form, without the dash (`C` for `-C`). */
  short?: string;
}
export interface BooleanSpec extends BaseSpec {
  type: "boolean";
}
export interface StringSpec extends BaseSpec {
  type: "string";
  /** Shown in help (`FILE`, `N`, `text|json`); FILE and DIR complete paths in the shell. */
  metavar: string;
  /** Repeatable: every value is kept, in order. */
  multiple?: boolean;
  /** The only values allowed (also offered by shell completion). */
  choices?: readonly string[];
}
export type OptionSpec = BooleanSpec | StringSpec;
export type OptionTable = Record<string, OptionSpec>;

export type OptionValues<T extends OptionTable> = {
  [K in keyof T]?: T[K] extends BooleanSpec ? true : T[K] extends { multiple: true } ? string[] : string;
};

export interface Parsed<T extends OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
}

/** `--format text|json`, with `--json` kept as the short way to say `--format json`. */
export const FORMAT_OPTIONS = {
  format: {
    type: "string",
    metavar: "text|json",
    choices: ["text", "json"],
    help: "text for a person (default), json for a program",
  },
  json: { type: "boolean", help: "the same as --format json" },
} as const satisfies OptionTable;

export function formatOf(v: { format?: string; json?: true }): "text" | "json" {
  return v.json || v.format === "json" ? "json" : "text";
}

function usageError(command: string, message: string): BacksideError {
  return new BacksideError("USAGE", `${command}: ${message}`, { hint: `run \`backside ${command} --help\`` });
}

/**
 * Reads argv against the table. Returns "help" for -h/--help anywhere before `--`. Positionals
 * are refused unless `positionals` is true; everything after `--` is positional.
 */
export function parseOptions<T extends OptionTable>(
  command: string,
  table: T,
  argv: readonly string[],
  opts: { positionals?: boolean } = {},
): Parsed<T> | "help" {
  const values: Record<string, true | string | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(table).flatMap(([k, s]) => (s.short ? [[s.short, k]] : [])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "--help" || a === "-h") return "help";
    let key: string | undefined;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      key = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!Object.hasOwn(table, key)) throw usageError(command, `unknown option '--${key}'`);
    } else if (a.length > 1 && a.startsWith("-") && !/^-\d/.test(a)) {
      key = byShort.get(a.slice(1));
      if (!key) throw usageError(command, `unknown option '${a}'`);
    } else {
      if (!opts.positionals) throw usageError(command, `unexpected argument '${a}'`);
      positionals.push(a);
      continue;
    }
    const spec = table[key];
    const shown = a.startsWith("--") ? `--${key}` : a;
    if (spec.type === "boolean") {
      if (inline !== undefined) throw usageError(command, `${shown} takes no value`);
      values[key] = true;
      continue;
    }
    let v = inline;
    if (v === undefined) {
      const next = argv[i + 1];
      if (next !== undefined && !(next.startsWith("-") && next.length > 1)) v = argv[++i];
    }
    if (v === undefined || v === "") throw usageError(command, `${shown} needs a value (${spec.metavar})`);
    if (spec.choices && !spec.choices.includes(v))
      throw usageError(command, `${shown} must be ${spec.choices.join(" or ")}, not '${v}'`);
    if (spec.multiple) ((values[key] as string[] | undefined) ?? (values[key] = [])).push(v);
    else if (values[key] !== undefined) throw usageError(command, `${shown} given twice`);
    else values[key] = v;
  }
  return { values: values as OptionValues<T>, positionals };
}

/** `--parallel 2` as a number in [min, max], or a usage error naming the flag. */
export function intOption(command: string, flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min || n > max)
    throw usageError(command, `${flag} must be an integer ${min}-${max}, not '${v}'`);
  return n;
}

const HELP_WIDTH = 100;

/** Words into lines of at most `width`, the later ones indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.join("\n" + " ".repeat(indent));
}

/** usage lines, a blank line, then one aligned line per option, then the notes. */
export function helpText(usage: string | readonly string[], table: OptionTable, notes?: string): string {
  const lines = typeof usage === "string" ? [usage] : [...usage];
  const rows = Object.entries(table).map(([k, s]) => {
    const names = `${s.short ? `-${s.short}, ` : ""}--${k}${s.type === "string" ? ` ${s.metavar}` : ""}`;
    return [names, s.help + (s.type === "string" && s.multiple ? " (repeatable)" : "")];
  });
  rows.push(["-h, --help", "this help"]);
  const w = Math.max(...rows.map(([n]) => n.length)) + 2;
  lines.push("", ...rows.map(([n, h]) => `  ${n.padEnd(w)}${wrap(h, HELP_WIDTH - 2 - w, 2 + w)}`));
  if (notes) lines.push("", notes);
  return lines.join("\n");
}

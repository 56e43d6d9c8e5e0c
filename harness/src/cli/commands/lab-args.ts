/**
 * The `lab` subcommands' flags: `--name value` pairs, booleans and positionals, checked against
 * what each subcommand accepts so a typo is a usage error naming the flag.
 */
import { BacksideError } from "../../errors.js";

export interface LabArgs {
  flags: Map<string, string>;
  bools: Set<string>;
  positionals: string[];
}

export function parseLabArgs(
  sub: string,
  argv: string[],
  valued: readonly string[],
  booleans: readonly string[] = [],
): LabArgs | "help" {
  const a: LabArgs = { flags: new Map(), bools: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === "--help" || x === "-h") return "help";
    if (booleans.includes(x)) a.bools.add(x);
    else if (valued.includes(x)) {
      const v = argv[++i];
      if (v === undefined || (v.startsWith("--") && v.length > 2))
        throw new BacksideError("USAGE", `lab ${sub}: ${x} needs a value`);
      a.flags.set(x, v);
    } else if (x.startsWith("--"))
      throw new BacksideError("USAGE", `lab ${sub}: unknown option '${x}'`, {
        hint: `run \`backside lab ${sub} --help\``,
      });
    else a.positionals.push(x);
  }
  return a;
}

export function intOf(
  sub: string,
  flag: string,
  v: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BacksideError("USAGE", `lab ${sub}: ${flag} must be an integer ${min}-${max}`);
  return n;
}

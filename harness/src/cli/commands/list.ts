/** `backside list [--dir DIR] [--json]`: the scenario catalogue with each scenario's expected label. */
import { BacksideError } from "../../errors.js";
import { readCatalogue, brokenError, DEFAULT_SCENARIO_DIR } from "../../scenarios/index.js";

export const summary = "list the scenarios and the cause each one expects";

const HELP = `usage: backside list [--dir DIR] [--json]

  --dir DIR   scenario folder (default ${DEFAULT_SCENARIO_DIR}/)
  --json      one JSON array instead of a table`;

export async function run(argv: string[]): Promise<number> {
  let dir = DEFAULT_SCENARIO_DIR;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(HELP + "\n");
      return 0;
    } else if (a === "--json") json = true;
    else if (a === "--dir") {
      const v = argv[++i];
      if (!v) throw new BacksideError("USAGE", "list: --dir needs a folder");
      dir = v;
    } else
      throw new BacksideError("USAGE", `list: unknown option '${a}'`, { hint: "run `backside list --help`" });
  }
  const { scenarios: all, broken } = readCatalogue(dir);
  // The valid scenarios are still listed; the broken files fail the command after them.
  const done = () => {
    if (broken.length > 0) throw brokenError(broken);
    return 0;
  };
  if (json) {
    process.stdout.write(
      JSON.stringify(
        all.map((s) => ({
          name: s.name,
          expect: s.expect,
          tags: s.tags,
          timeoutSeconds: s.timeoutSeconds,
          description: s.description,
        })),
        null,
        2,
      ) + "\n",
    );
    return done();
  }
  const w = Math.max(...all.map((s) => s.name.length), 8);
  const e = Math.max(...all.map((s) => s.expect.length), 6);
  process.stdout.write(`${"SCENARIO".padEnd(w)}  ${"EXPECTS".padEnd(e)}  TAGS\n`);
  for (const s of all)
    process.stdout.write(`${s.name.padEnd(w)}  ${s.expect.padEnd(e)}  ${s.tags.join(",")}\n`);
  process.stdout.write(
    `\n${all.length} scenarios covering ${new Set(all.map((s) => s.expect)).size} labels\n`,
  );
  return done();
}

/**
 * `backside diagnose [--pcap F]... [--log F]... [--error-report F] [--target HOST[:PORT]] [--format text|json]`:
 * reads the artifacts and prints one Diagnosis. Exit 0 when a diagnosis was printed (whatever the
 * cause); usage errors exit 2, missing or unreadable artifacts (or only captures with no packets) 3
 * (errors.ts).
 */
import { existsSync, statSync } from "node:fs";
import { BacksideError } from "../../errors.js";
import { bundleInput } from "../../runner/diagnose-bundle.js";
import { diagnose, formatDiagnosisText, parseHostPort, type DiagnoseInput } from "../../engine/index.js";

export const summary = "diagnose a backside connection failure from captures, logs and an error report";

const HELP = `usage: backside diagnose [--pcap FILE]... [--log FILE]... [--error-report FILE]
                         [--target HOST[:PORT]] [--format text|json]
       backside diagnose --bundle DIR [--target HOST[:PORT]] [--format text|json]

  --pcap FILE          a capture (pcap or pcapng); repeat for several capture points
  --log FILE           an appliance log (debug level is best); repeatable
  --error-report FILE  an error report (error-report.txt, plain or gzipped)
  --bundle DIR         a folder's *.pcap, gateway.log and error-report.txt[.gz], as
                       \`backside run\` leaves them (scenario files in it are not read)
  --target HOST[:PORT] the backend that matters when the artifacts hold several
  --format text|json   text for a person (default), json with a top-level "cause"

Exit codes: 0 a diagnosis was printed; 2 bad command line; 3 a file is missing or unreadable,
or the captures hold no packets and nothing else was given.`;

function value(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v === "" || (v.startsWith("--") && v.length > 2))
    throw new BacksideError("USAGE", `diagnose: ${flag} needs a value`, {
      hint: "run `backside diagnose --help`",
    });
  return v;
}

export function parseArgs(argv: string[]): { input: DiagnoseInput; format: "text" | "json" } | "help" {
  const input: DiagnoseInput = { pcaps: [], logs: [] };
  let format: "text" | "json" = "text";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith("--") && a.includes("=")
        ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a, undefined];
    const take = () => {
      if (inline !== undefined) {
        if (inline === "") throw new BacksideError("USAGE", `diagnose: ${flag} needs a value`);
        return inline;
      }
      const v = value(argv, i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--pcap":
        input.pcaps!.push({ path: take() });
        break;
      case "--log":
        input.logs!.push(take());
        break;
      case "--bundle": {
        const dir = take();
        if (!existsSync(dir) || !statSync(dir).isDirectory())
          throw new BacksideError("INVALID_INPUT", `diagnose: --bundle ${dir} is not a folder`, {
            hint: "give the folder `backside run` wrote for one scenario run",
          });
        const b = bundleInput(dir);
        input.pcaps!.push(...(b.pcaps ?? []));
        input.logs!.push(...(b.logs ?? []));
        if (b.errorReport) {
          if (input.errorReport) throw new BacksideError("USAGE", "diagnose: --error-report given twice");
          input.errorReport = b.errorReport;
        }
        break;
      }
      case "--error-report":
        if (input.errorReport) throw new BacksideError("USAGE", "diagnose: --error-report given twice");
        input.errorReport = take();
        break;
      case "--target": {
        const t = parseHostPort(take());
        if (!t || (t.port !== undefined && !(t.port >= 1 && t.port <= 65535)))
          throw new BacksideError("USAGE", "diagnose: --target must be HOST or HOST:PORT with PORT 1-65535");
        input.target = t;
        break;
      }
      case "--format": {
        const f = take();
        if (f !== "text" && f !== "json")
          throw new BacksideError("USAGE", `diagnose: --format must be text or json, not '${f}'`);
        format = f;
        break;
      }
      default:
        throw new BacksideError("USAGE", `diagnose: unknown option '${a}'`, {
          hint: "run `backside diagnose --help`",
        });
    }
  }
  if (!input.pcaps!.length && !input.logs!.length && !input.errorReport) {
    throw new BacksideError("USAGE", "diagnose: give at least one of --pcap, --log, --error-report", {
      hint: "run `backside diagnose --help`",
    });
  }
  return { input, format };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === "help") {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  const d = await diagnose(parsed.input);
  process.stdout.write(parsed.format === "json" ? JSON.stringify(d, null, 2) + "\n" : formatDiagnosisText(d));
  return 0;
}

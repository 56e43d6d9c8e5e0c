/**
 * `backside diagnose [--pcap F]... [--log F]... [--error-report F] [--target HOST[:PORT]] [--format text|json]`:
 * reads the artifacts and prints one Diagnosis. Exit 0 when a diagnosis was printed (whatever the
 * cause); usage errors exit 2, missing or unreadable artifacts 3 (errors.ts).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { analyzeCapture } from "../../flows/index.js";
import { renderDiagnosisPage } from "../../reporters/diagnosis-page.js";
import type { Diagnosis } from "../../engine/types.js";
import { BacksideError } from "../../errors.js";
import { bundleInput } from "../../runner/diagnose-bundle.js";
import {
  diagnose,
  diagnosisJson,
  formatDiagnosisText,
  parseHostPort,
  relativeTo,
  type DiagnoseInput,
} from "../../engine/index.js";

export const summary = "diagnose a backside connection failure from captures, logs and an error report";

const HELP = `usage: backside diagnose [--pcap FILE]... [--log FILE]... [--error-report FILE]
                         [--target HOST[:PORT]] [--format text|json|html]
       backside diagnose --bundle DIR [--target HOST[:PORT]] [--format text|json|html]

  --pcap FILE          a capture (pcap or pcapng); repeat for several capture points
  --log FILE           an appliance log (debug level is best); repeatable
  --error-report FILE  an error report (error-report.txt, plain or gzipped)
  --bundle DIR         a folder's *.pcap, gateway.log and error-report.txt[.gz], as
                       \`backside run\` leaves them (scenario files in it are not read)
  --target HOST[:PORT] the backend that matters when the artifacts hold several
  --format text|json   text for a person (default), json with a top-level "schema" and "cause"
                       (every key always present; paths inside --bundle relative to it),
                       or html: one page with the path ladder across the captures

Exit codes: 0 a diagnosis was printed; 2 bad command line; 3 a file is missing or unreadable.`;

function value(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v === "" || (v.startsWith("--") && v.length > 2))
    throw new BacksideError("USAGE", `diagnose: ${flag} needs a value`, {
      hint: "run `backside diagnose --help`",
    });
  return v;
}

export interface DiagnoseArgs {
  input: DiagnoseInput;
  format: "text" | "json" | "html";
  /** The first --bundle folder: paths inside it are shown relative to it. */
  bundle?: string;
}

export function parseArgs(argv: string[]): DiagnoseArgs | "help" {
  const input: DiagnoseInput = { pcaps: [], logs: [] };
  let format: "text" | "json" | "html" = "text";
  let bundle: string | undefined;
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
        bundle ??= dir;
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
        if (f !== "text" && f !== "json" && f !== "html")
          throw new BacksideError("USAGE", `diagnose: --format must be text, json or html, not '${f}'`);
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
  return { input, format, ...(bundle ? { bundle } : {}) };
}

/** The page with the path ladder: each capture read on its own, in the engine's path order. */
async function htmlPage(d: Diagnosis, input: DiagnoseInput): Promise<string> {
  const byName = new Map((input.pcaps ?? []).map((p) => [p.name ?? p.path, p.path]));
  const order = d.capturePoints?.order.map((p) => p.source).filter((s) => byName.has(s)) ?? [];
  const sources = order.length ? order : [...byName.keys()].slice(0, 1);
  const points = [];
  for (const source of sources)
    points.push({ source, summary: await analyzeCapture([byName.get(source)!], { ignoreChecksums: true }) });
  const log = input.logs?.[0];
  return renderDiagnosisPage(d, points, log ? readFileSync(log, "utf8") : undefined);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === "help") {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  const d = await diagnose(parsed.input);
  if (parsed.format === "html") {
    process.stdout.write(relativeTo(parsed.bundle, await htmlPage(d, parsed.input)));
    return 0;
  }
  process.stdout.write(
    parsed.format === "json"
      ? JSON.stringify(diagnosisJson(d, parsed.bundle), null, 2) + "\n"
      : relativeTo(parsed.bundle, formatDiagnosisText(d)),
  );
  return 0;
}

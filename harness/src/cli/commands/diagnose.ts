/**
 * `backside diagnose [--pcap F]... [--log F]... [--error-report F] [--target HOST[:PORT]] [--format text|json]`:
 * reads the artifacts and prints one Diagnosis. Exit 0 when a diagnosis was printed (whatever the
 * cause); usage errors exit 2, missing or unreadable artifacts (or only captures with no packets) 3
 * (errors.ts).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { analyzeCapture } from "../../flows/index.js";
import { renderDiagnosisPage } from "../../reporters/diagnosis-page.js";
import type { Diagnosis } from "../../engine/types.js";
import { BacksideError, isBacksideError } from "../../errors.js";
import { bundleInput } from "../../runner/diagnose-bundle.js";
import {
  diagnose,
  diagnosisJson,
  formatDiagnosisText,
  parseHostPort,
  relativeTo,
  type DiagnoseInput,
} from "../../engine/index.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const summary = "diagnose a backside connection failure from captures, logs and an error report";

export const options = {
  pcap: {
    type: "string",
    metavar: "FILE",
    multiple: true,
    help: "a capture (pcap or pcapng); one per capture point",
  },
  log: { type: "string", metavar: "FILE", multiple: true, help: "an appliance log (debug level is best)" },
  "error-report": {
    type: "string",
    metavar: "FILE",
    help: "an error report (error-report.txt, plain or gzipped)",
  },
  bundle: {
    type: "string",
    metavar: "DIR",
    help: "a folder's *.pcap, gateway.log and error-report.txt[.gz], as `backside run` leaves them (scenario files in it are not read)",
  },
  target: {
    type: "string",
    metavar: "HOST[:PORT]",
    help: "the backend that matters when the artifacts hold several",
  },
  format: {
    type: "string",
    metavar: "text|json|html",
    choices: ["text", "json", "html"],
    help: 'text for a person (default); json with a top-level "schema" and "cause" (every key always present; paths inside --bundle relative to it); html: one page with the path ladder across the captures',
  },
  json: { type: "boolean", help: "the same as --format json" },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside diagnose [--pcap FILE]... [--log FILE]... [--error-report FILE]",
    "                         [--target HOST[:PORT]] [--format text|json|html]",
    "       backside diagnose --bundle DIR [--target HOST[:PORT]] [--format text|json|html]",
  ],
  options,
  "Exit codes: 0 a diagnosis was printed; 2 bad command line; 3 a file is missing or unreadable,\nor a bundle holds none of the files it should, or the captures hold no packets and nothing else was given.",
);

function bundleFiles(dir: string): DiagnoseInput {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new BacksideError("NOT_FOUND", `diagnose: --bundle ${dir} is not a folder`, {
      hint: "give the folder `backside run` wrote for one scenario run",
    });
  const b = bundleInput(dir);
  if (!b.pcaps?.length && !b.logs?.length && !b.errorReport)
    throw new BacksideError(
      "BAD_ARTIFACT",
      `diagnose: --bundle ${dir} has nothing to read: no *.pcap, no gateway.log, no error-report.txt[.gz]`,
      { hint: "give the folder `backside run` wrote for one scenario run, or name files with --pcap/--log" },
    );
  return b;
}

export interface DiagnoseArgs {
  input: DiagnoseInput;
  format: "text" | "json" | "html";
  /** The --bundle folder: paths inside it are shown relative to it. */
  bundle?: string;
}

export function parseArgs(argv: string[]): DiagnoseArgs | "help" {
  const parsed = parseOptions("diagnose", options, argv);
  if (parsed === "help") return "help";
  const o = parsed.values;
  const input: DiagnoseInput = { pcaps: (o.pcap ?? []).map((path) => ({ path })), logs: [...(o.log ?? [])] };
  if (o["error-report"]) input.errorReport = o["error-report"];
  if (o.bundle) {
    const b = bundleFiles(o.bundle);
    input.pcaps!.push(...(b.pcaps ?? []));
    input.logs!.push(...(b.logs ?? []));
    if (b.errorReport) {
      if (input.errorReport)
        throw new BacksideError("USAGE", "diagnose: --error-report given twice (the bundle has one)");
      input.errorReport = b.errorReport;
    }
  }
  if (o.target !== undefined) {
    const t = parseHostPort(o.target);
    if (!t || (t.port !== undefined && !(t.port >= 1 && t.port <= 65535)))
      throw new BacksideError("USAGE", "diagnose: --target must be HOST or HOST:PORT with PORT 1-65535");
    input.target = t;
  }
  if (!input.pcaps!.length && !input.logs!.length && !input.errorReport) {
    throw new BacksideError("USAGE", "diagnose: give at least one of --pcap, --log, --error-report", {
      hint: "run `backside diagnose --help`",
    });
  }
  const format = o.json ? "json" : ((o.format ?? "text") as DiagnoseArgs["format"]);
  return { input, format, ...(o.bundle ? { bundle: o.bundle } : {}) };
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

/** When nothing was usable, one line per artifact that was not, rather than the first alone. */
function everyUnusable(e: unknown): unknown {
  const problems = isBacksideError(e) && e.code === "BAD_ARTIFACT" ? e.details?.problems : undefined;
  if (!Array.isArray(problems) || problems.length < 2) return e;
  return new BacksideError(
    "BAD_ARTIFACT",
    problems.map((p) => `no usable artifact: ${String(p)}`).join("\n"),
    {
      cause: e,
      details: { problems },
    },
  );
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const d = await diagnose(parsed.input).catch((e: unknown) => {
    throw everyUnusable(e);
  });
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

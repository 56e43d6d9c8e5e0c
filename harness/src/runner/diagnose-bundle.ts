/**
 * Runs the engine on the bundle's files and nothing else (no scenario, no expectation), and
 * writes verdict.json beside them.
 */
import { readdirSync, existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DiagnoseInput, Diagnosis, Evidence, EvidencePlace } from "../engine/types.js";
import { isBacksideError } from "../errors.js";
import { diagnosisJson } from "../engine/diagnosis-json.js";

/** verdict.json's shape: the files read (relative to the bundle) and the diagnosis. */
export const VERDICT_SCHEMA = "backside.verdict.v1";
import type { ArtifactKind, ArtifactVerdict, EvidenceItem } from "./result-types.js";
import type { Diagnoser } from "./diagnoser.js";

export function bundleInput(bundleDir: string): DiagnoseInput {
  const files = readdirSync(bundleDir).sort();
  const pcaps = files.filter((f) => f.endsWith(".pcap")).map((f) => ({ path: join(bundleDir, f), name: f }));
  // gateway-access.log: a real gateway's access log beside its error log (nginx).
  const logs = ["gateway.log", "gateway-access.log"]
    .filter((f) => existsSync(join(bundleDir, f)))
    .map((f) => join(bundleDir, f));
  const report = files.find((f) => f === "error-report.txt" || f === "error-report.txt.gz");
  return { pcaps, logs, ...(report ? { errorReport: join(bundleDir, report) } : {}) };
}

export async function diagnoseBundle(bundleDir: string, diagnose: Diagnoser): Promise<Diagnosis> {
  const input = bundleInput(bundleDir);
  const diagnosis = await diagnose(input);
  const rel = (p: string) => p.slice(bundleDir.length + 1);
  const shown = {
    pcaps: (input.pcaps ?? []).map((p) => rel(p.path)),
    logs: (input.logs ?? []).map(rel),
    errorReport: input.errorReport ? rel(input.errorReport) : null,
  };
  const doc = { schema: VERDICT_SCHEMA, input: shown, diagnosis: diagnosisJson(diagnosis, bundleDir) };
  await writeFile(join(bundleDir, "verdict.json"), JSON.stringify(doc, null, 2) + "\n");
  return diagnosis;
}

/**
 * The engine on each kind of the bundle's artifacts alone. A kind the bundle lacks, or that the
 * engine cannot read on its own, has no verdict.
 */
export async function diagnoseEachAlone(
  bundleDir: string,
  diagnose: Diagnoser,
): Promise<Partial<Record<ArtifactKind, ArtifactVerdict>>> {
  const b = bundleInput(bundleDir);
  const inputs: [ArtifactKind, DiagnoseInput | undefined][] = [
    ["captures", b.pcaps?.length ? { pcaps: b.pcaps } : undefined],
    ["log", b.logs?.length ? { logs: b.logs } : undefined],
    ["report", b.errorReport ? { errorReport: b.errorReport } : undefined],
  ];
  const out: Partial<Record<ArtifactKind, ArtifactVerdict>> = {};
  for (const [kind, input] of inputs) {
    if (!input) continue;
    try {
      const d = await diagnose(input);
      out[kind] = { cause: d.cause, confidence: d.confidence };
    } catch (e) {
      if (!isBacksideError(e)) throw e;
    }
  }
  return out;
}

/** One line per evidence item, with where to look. */
export function flattenEvidence(ev: readonly Evidence[], bundleDir?: string): EvidenceItem[] {
  // Sources are shown relative to the bundle: the report folder may move.
  const rel = (src: string) =>
    bundleDir && src.startsWith(`${bundleDir}/`) ? src.slice(bundleDir.length + 1) : src;
  const one = (e: EvidencePlace) => {
    const where = [
      e.packets?.length
        ? `packets ${e.packets.slice(0, 6).join(",")}${e.packets.length > 6 ? ",…" : ""}`
        : "",
      e.lines?.length ? `lines ${e.lines.slice(0, 6).join(",")}` : "",
      e.part ?? "",
    ]
      .filter(Boolean)
      .join(" ");
    return where ? `${rel(e.source)} ${where}` : rel(e.source);
  };
  return ev.map((e) => ({
    text: e.statement,
    source: (e.places?.length ? e.places : [e]).map(one).join("; "),
  }));
}

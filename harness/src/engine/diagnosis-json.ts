/**
 * The Diagnosis as machine-readable JSON: a `schema` name, and every key present whatever the
 * cause (empty lists and nulls, never a missing key), so a consumer needs no guard per field.
 * Paths under `base` (a bundle folder) are made relative to it, so the file stays true when the
 * folder moves.
 */
import type { Diagnosis, Evidence } from "./types.js";
import type { PathVerdict } from "./where-died.js";

export const DIAGNOSIS_SCHEMA = "backside.diagnosis.v1";

export interface EvidenceJson {
  statement: string;
  kind: Evidence["kind"];
  source: string;
  packets: number[];
  times: (string | null)[];
  lines: number[];
  part: string | null;
  /** Every place that shows it, this item's own first. */
  places: {
    source: string;
    packets: number[];
    times: (string | null)[];
    lines: number[];
    part: string | null;
  }[];
}

export interface DiagnosisJson {
  schema: typeof DIAGNOSIS_SCHEMA;
  cause: Diagnosis["cause"];
  confidence: Diagnosis["confidence"];
  title: string;
  explanation: string;
  evidence: EvidenceJson[];
  nextSteps: string[];
  alternatives: NonNullable<Diagnosis["alternatives"]>;
  capturePoints: {
    order: NonNullable<Diagnosis["capturePoints"]>["order"];
    died: NonNullable<Diagnosis["capturePoints"]>["died"] | null;
    statement: string;
  };
  backend: { host: string | null; addresses: string[]; port: number | null };
  partial: boolean;
  problems: string[];
}

/** `text` with every `base/` prefix removed (paths inside the bundle become relative). */
export function relativeTo(base: string | undefined, text: string): string {
  if (!base) return text;
  const prefix = `${base.replace(/\/+$/, "")}/`;
  return text.split(prefix).join("");
}

export function diagnosisJson(d: Diagnosis, base?: string): DiagnosisJson {
  const rel = (s: string) => relativeTo(base, s);
  return {
    schema: DIAGNOSIS_SCHEMA,
    cause: d.cause,
    confidence: d.confidence,
    title: d.title,
    explanation: rel(d.explanation),
    evidence: d.evidence.map((e) => ({
      statement: rel(e.statement),
      kind: e.kind,
      source: rel(e.source),
      packets: e.packets ?? [],
      times: e.times ?? [],
      lines: e.lines ?? [],
      part: e.part ?? null,
      places: (e.places?.length ? e.places : [e]).map((p) => ({
        source: rel(p.source),
        packets: p.packets ?? [],
        times: p.times ?? [],
        lines: p.lines ?? [],
        part: p.part ?? null,
      })),
    })),
    nextSteps: d.nextSteps.map(rel),
    alternatives: (d.alternatives ?? []).map((a) => ({ cause: a.cause, why: rel(a.why) })),
    capturePoints: {
      order: (d.capturePoints?.order ?? []).map((p) => ({ ...p, source: rel(p.source) })),
      died: d.capturePoints ? (JSON.parse(rel(JSON.stringify(d.capturePoints.died))) as PathVerdict) : null,
      statement: rel(d.capturePoints?.statement ?? ""),
    },
    backend: {
      host: d.backend?.host ?? null,
      addresses: d.backend?.addresses ?? [],
      port: d.backend?.port ?? null,
    },
    partial: d.partial,
    problems: d.problems.map(rel),
  };
}

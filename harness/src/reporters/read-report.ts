/**
 * Reads a report folder back (its report.json, and each bundle's result.json for what report.json
 * leaves out), for `backside merge` and `backside durations`. A folder that is missing, holds no
 * report.json, or one of another schema is refused with one line naming the folder.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BacksideError } from "../errors.js";
import type { GatewayKind } from "../scenarios/schema.js";
import type { ScenarioRunResult } from "../runner/result-types.js";
import { REPORT_SCHEMA } from "./json-reporter.js";

export interface ReadReport {
  dir: string;
  startedAt: string;
  finishedAt: string | null;
  wallMs: number | null;
  complete: boolean;
  interrupted: boolean;
  parallel: number;
  repeats: number;
  notRun: string[];
  shard: { index: number; total: number } | null;
  results: ScenarioRunResult[];
}

type ReportEntry = Omit<ScenarioRunResult, "description" | "repeats" | "notApplicable" | "error"> & {
  notApplicable: string | null;
  error: { code: string; message: string } | null;
  status?: string;
};

/** report.json as written: the run's fields, its schema, results as the JSON reporter keeps them. */
type ReportDoc = Omit<ReadReport, "dir" | "shard" | "results"> & {
  schema: string;
  shard?: ReadReport["shard"];
  results: ReportEntry[];
};

function bad(dir: string, what: string, hint?: string): BacksideError {
  return new BacksideError("INVALID_INPUT", `${dir}: ${what}`, hint ? { hint } : {});
}

function readDoc(dir: string): ReportDoc {
  if (!existsSync(dir)) throw new BacksideError("NOT_FOUND", `${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw bad(dir, "not a folder", "give the folder a run wrote");
  const file = join(dir, "report.json");
  if (!existsSync(file))
    throw bad(dir, "not a report folder (no report.json)", "give the folder `backside run` wrote");
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw bad(dir, `report.json is not JSON: ${(e as Error).message}`);
  }
  const d = doc as Partial<ReportDoc> | null;
  if (d?.schema !== REPORT_SCHEMA)
    throw bad(
      dir,
      `report.json is ${typeof d?.schema === "string" ? d.schema : "of no known schema"}, not ${REPORT_SCHEMA}`,
      "merge reports written by the same backside version",
    );
  if (!Array.isArray(d.results) || typeof d.startedAt !== "string")
    throw bad(dir, "report.json has no results list or startedAt");
  return d as ReportDoc;
}

/** What report.json leaves out comes from the bundle's own result.json, when it is there. */
function resultOf(dir: string, doc: ReportDoc, e: ReportEntry): ScenarioRunResult {
  const { status: _status, notApplicable, error, gatewayUnsupported, ...rest } = e;
  let description = "";
  const own = join(dir, e.bundle, "result.json");
  if (existsSync(own)) {
    try {
      description = (JSON.parse(readFileSync(own, "utf8")) as { description?: string }).description ?? "";
    } catch {
      /* the description is for display only */
    }
  }
  return {
    ...rest,
    gateway: e.gateway as GatewayKind,
    description,
    repeats: doc.repeats,
    ...(notApplicable === null ? {} : { notApplicable }),
    ...(error === null ? {} : { error }),
    ...(gatewayUnsupported?.length ? { gatewayUnsupported } : {}),
  };
}

export function readReport(dir: string): ReadReport {
  const doc = readDoc(dir);
  return {
    dir,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt,
    wallMs: doc.wallMs,
    complete: doc.complete,
    interrupted: doc.interrupted,
    parallel: doc.parallel,
    repeats: doc.repeats,
    notRun: doc.notRun ?? [],
    shard: doc.shard ?? null,
    results: doc.results.map((e) => resultOf(dir, doc, e)),
  };
}

/**
 * Recorded verdicts: the engine's whole output (diagnosis JSON, paths relative) for a set of
 * artifacts, kept in a file so a change to the engine's insides can be checked to change nothing
 * a reader sees. Each bundle is read whole and with its captures alone (the capture rules without
 * the log's fusion); each real-tools case as its manifest says.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { bundleInput } from "../../runner/diagnose-bundle.js";
import { isBacksideError } from "../../errors.js";
import { diagnose } from "../diagnose.js";
import { diagnosisJson, type DiagnosisJson } from "../diagnosis-json.js";
import type { DiagnoseInput } from "../types.js";
import { diagnoseRealToolsCase, readRealToolsManifest } from "../fixtures/real-tools.js";

export type Recorded = Record<string, DiagnosisJson | { error: string }>;

const ARTIFACT = /\.(pcap|pcapng)$|^gateway(-access)?\.log$|^error-report\.txt(\.gz)?$/;

/** Folders under `root` (itself included) that hold artifacts: the bundles. */
export function bundlesUnder(root: string, depth = 3): string[] {
  const here = readdirSync(root);
  // A corpus folder (manifest.json) is read case by case, not as one bundle.
  const out = here.some((f) => ARTIFACT.test(f)) && !here.includes("manifest.json") ? [root] : [];
  if (depth === 0) return out;
  for (const f of here.sort()) {
    const p = join(root, f);
    if (statSync(p).isDirectory()) out.push(...bundlesUnder(p, depth - 1));
  }
  return out;
}

async function record(input: DiagnoseInput, base: string): Promise<DiagnosisJson | { error: string }> {
  try {
    return diagnosisJson(await diagnose(input), base);
  } catch (e) {
    if (!isBacksideError(e)) throw e;
    return { error: `${e.code}: ${e.message.split(`${base}/`).join("")}` };
  }
}

/** Every bundle under `root`, keyed by its path relative to `root`: whole, and captures alone. */
export async function recordBundles(root: string, into: Recorded = {}): Promise<Recorded> {
  for (const dir of bundlesUnder(root)) {
    const key = relative(root, dir) || ".";
    const input = bundleInput(dir);
    into[`${key} (bundle)`] = await record(input, dir);
    if (input.pcaps?.length && (input.logs?.length || input.errorReport))
      into[`${key} (captures)`] = await record({ pcaps: input.pcaps }, dir);
  }
  return into;
}

/** Every case of a real-tools corpus folder (its manifest.json). */
export async function recordCorpus(dir: string, into: Recorded = {}): Promise<Recorded> {
  if (!existsSync(join(dir, "manifest.json"))) return into;
  for (const c of readRealToolsManifest(dir)) {
    try {
      into[`corpus ${c.case}`] = diagnosisJson(await diagnoseRealToolsCase(c, dir), dir);
    } catch (e) {
      if (!isBacksideError(e)) throw e;
      into[`corpus ${c.case}`] = { error: `${e.code}: ${e.message}` };
    }
  }
  return into;
}

/** Keys whose recorded output differs, with the first differing field of each. */
export function differences(before: Recorded, after: Recorded): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = JSON.stringify(before[k] ?? null, null, 1).split("\n");
    const b = JSON.stringify(after[k] ?? null, null, 1).split("\n");
    const i = a.findIndex((line, j) => line !== b[j]);
    if (i >= 0 || a.length !== b.length) {
      const at = i >= 0 ? i : Math.min(a.length, b.length);
      out.push(`${k}: line ${at + 1}: ${a[at]?.trim() ?? "(none)"} -> ${b[at]?.trim() ?? "(none)"}`);
    }
  }
  return out;
}

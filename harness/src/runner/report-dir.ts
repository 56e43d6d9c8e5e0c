/** `reports/<timestamp>/` and a `reports/latest` symlink to it (a copy of the path where links fail). */
import { mkdirSync, rmSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BacksideError } from "../errors.js";

export const DEFAULT_REPORTS_ROOT = "reports";

export function timestampName(d = new Date()): string {
  return d
    .toISOString()
    .replace(/[:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

export function makeReportDir(
  explicit: string | undefined,
  now = new Date(),
): { dir: string; isDefault: boolean } {
  if (explicit !== undefined) {
    const dir = resolve(explicit);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new BacksideError("NOT_FOUND", `cannot create report folder ${dir}`, { cause: e });
    }
    return { dir, isDefault: false };
  }
  // Two runs started in the same second must not share a folder (their report.json, junit.xml
  // and index.html would overwrite each other): the second takes `<timestamp>-2`, and so on.
  const base = resolve(join(DEFAULT_REPORTS_ROOT, timestampName(now)));
  try {
    mkdirSync(dirname(base), { recursive: true });
  } catch (e) {
    throw new BacksideError("NOT_FOUND", `cannot create report folder ${dirname(base)}`, { cause: e });
  }
  for (let n = 1; n <= 100; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(dir);
      return { dir, isDefault: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new BacksideError("NOT_FOUND", `cannot create report folder ${dir}`, { cause: e });
    }
  }
  throw new BacksideError("RUNTIME", `100 report folders named ${base}-N exist already`, {
    hint: "pass --report-dir",
  });
}

/** Points `<root>/latest` at the run's folder; best effort (a report without it is still whole). */
export function linkLatest(dir: string): void {
  const link = join(dirname(dir), "latest");
  try {
    try {
      lstatSync(link);
      rmSync(link, { recursive: true, force: true });
    } catch {
      /* no previous link */
    }
    symlinkSync(basename(dir), link);
  } catch {
    writeFileSync(`${link}.txt`, `${dir}\n`);
  }
}

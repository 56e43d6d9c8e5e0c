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
  const dir = resolve(explicit ?? join(DEFAULT_REPORTS_ROOT, timestampName(now)));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new BacksideError("NOT_FOUND", `cannot create report folder ${dir}`, { cause: e });
  }
  return { dir, isDefault: explicit === undefined };
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

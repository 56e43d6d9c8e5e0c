import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BacksideError } from "../errors.js";

/**
 * The checkout's root: the nearest folder above this file whose package.json is named
 * "backside". Walking up (rather than a fixed "../../..") keeps it right both when run from
 * source through tsx and from a compiled dist/ tree.
 */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 12; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "backside") return dir;
      } catch {
        // A package.json that does not parse is not ours; keep walking.
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new BacksideError("INTERNAL", `cannot find the backside checkout above ${from}`);
}

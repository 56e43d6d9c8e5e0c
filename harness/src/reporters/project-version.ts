/** The project's version from its package.json, for reports ("unknown" outside a checkout). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../images/repo-root.js";

export function projectVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

import { createHash } from "node:crypto";
import { BacksideError } from "../errors.js";

/** One input of an image build: a context file, the base image's id, a pinned setting. */
export interface HashPart {
  /** Where it comes from, e.g. `file:entry.sh`, `base-id`, `pin:suite`. Part of the hash. */
  key: string;
  value: string | Buffer;
}

/**
 * A content hash over an image's inputs, independent of the order they were listed in and of
 * file times, so a rebuild is skipped exactly when nothing that goes into the image changed.
 * Key and value are length-prefixed so ("ab","c") and ("a","bc") cannot collide.
 */
export function inputHash(parts: readonly HashPart[]): string {
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(p.key)) throw new BacksideError("INTERNAL", `image input listed twice: ${p.key}`);
    seen.add(p.key);
  }
  const h = createHash("sha256");
  for (const p of [...parts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const v = typeof p.value === "string" ? Buffer.from(p.value, "utf8") : p.value;
    h.update(`${Buffer.byteLength(p.key)}:${p.key}:${v.length}:`);
    h.update(v);
  }
  return `sha256:${h.digest("hex")}`;
}

export type BuildDecision =
  { action: "build"; reason: "missing" | "changed" | "forced" } | { action: "skip"; reason: "unchanged" };

/** Build when forced, when no image exists, or when its recorded input hash differs. */
export function decideBuild(opts: {
  existingHash: string | undefined;
  existing: boolean;
  wanted: string;
  force: boolean;
}): BuildDecision {
  if (opts.force) return { action: "build", reason: "forced" };
  if (!opts.existing) return { action: "build", reason: "missing" };
  if (opts.existingHash !== opts.wanted) return { action: "build", reason: "changed" };
  return { action: "skip", reason: "unchanged" };
}

/** Turns a zod issue into `faults[1].port must be 1-65535`: the path people can find in the file. */
import type { z } from "zod";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => (issue.path.length ? `${formatPath(issue.path)}.${k}` : k));
    return `${keys.join(", ")} ${keys.length > 1 ? "are" : "is"} not a known field`;
  }
  const where = formatPath(issue.path);
  let msg = issue.message;
  if (issue.code === "invalid_type" && /received undefined/.test(msg)) msg = "is required";
  return where ? `${where} ${msg}` : msg;
}

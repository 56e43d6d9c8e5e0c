import { readFileSync } from "node:fs";
import type { z } from "zod";
import { BacksideError } from "../../errors.js";

/**
 * Reads a stand-in's start configuration: JSON from env `BACKSIDE_CONFIG`, else the file
 * `/etc/backside/<role>.json`, else `{}` (every field has a default). Validation errors name the
 * field (`dns config: names["api.example"].ttl: ...`) so a bad scenario is fixed at the edge.
 */
export function loadConfig<S extends z.ZodType>(
  role: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  file = `/etc/backside/${role}.json`,
): z.output<S> {
  let raw: string | undefined = env.BACKSIDE_CONFIG;
  let source = "BACKSIDE_CONFIG";
  if (raw === undefined) {
    try {
      raw = readFileSync(file, "utf8");
      source = file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new BacksideError("NOT_FOUND", `${role} config: cannot read ${file}`, { cause: e });
      }
      raw = "{}";
      source = "defaults";
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new BacksideError("INVALID_INPUT", `${role} config (${source}): not JSON: ${(e as Error).message}`);
  }
  return parseConfig(role, schema, json, source);
}

export function parseConfig<S extends z.ZodType>(
  role: string,
  schema: S,
  json: unknown,
  source = "input",
): z.output<S> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const path = first ? formatPath(first.path) : "";
  throw new BacksideError(
    "INVALID_INPUT",
    `${role} config (${source}): ${path || "(root)"}: ${first?.message ?? "invalid"}`,
    {
      details: { issues: r.error.issues },
    },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) =>
      typeof p === "number"
        ? `[${p}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(p))
          ? (i ? "." : "") + String(p)
          : `[${JSON.stringify(String(p))}]`,
    )
    .join("");
}

import { readFileSync } from "node:fs";
import type { z } from "zod";
import { BacksideError } from "../../errors.js";

/** Where a reused topology's reset leaves a stand-in's next configuration (images/common/entry.sh). */
export const resetConfigFile = (role: string) => `/run/backside/${role}.json`;

/**
 * Reads a stand-in's start configuration: the file a reset left (`/run/backside/<role>.json`:
 * newer than anything the container was created with), else JSON from env `BACKSIDE_CONFIG`,
 * else the file `/etc/backside/<role>.json`, else `{}` (every field has a default). Validation
 * errors name the field (`dns config: names["api.example"].ttl: ...`) so a bad scenario is fixed
 * at the edge.
 */
export function loadConfig<S extends z.ZodType>(
  role: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  file = `/etc/backside/${role}.json`,
  resetFile = resetConfigFile(role),
): z.output<S> {
  let raw: string | undefined = readIfThere(resetFile);
  let source = resetFile;
  if (raw === undefined) {
    raw = env.BACKSIDE_CONFIG;
    source = "BACKSIDE_CONFIG";
  }
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

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new BacksideError("NOT_FOUND", `config: cannot read ${file}`, { cause: e });
  }
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

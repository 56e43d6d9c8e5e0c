/**
 * Turns a zod issue into `faults[1].port must be 1-65535`: the path people can find in the file,
 * and our own words. `ISSUE_WORDS` has one entry per zod issue kind (typed over every kind, so a
 * new kind in zod breaks the build until it has words); a schema's own message (`must be 1-65535`)
 * wins over the table, as zod gives schema-level messages precedence over a parse's error map.
 */
import type { z } from "zod";

type RawIssue = z.core.$ZodRawIssue;
type Code = z.core.$ZodIssueCode;
type Words = { [K in Code]: (issue: Extract<RawIssue, { code: K }>) => string };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function kindOf(v: unknown): string {
  if (v === null) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v === "number" ? "the number" : typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};
const typeName = (t: string) => TYPE_NAMES[t] ?? t;

function bound(origin: string, n: number | bigint, exact: boolean | undefined, cmp: string): string {
  const counted = origin === "array" || origin === "set" || origin === "string";
  const unit = origin === "string" ? " character(s)" : " item(s)";
  if (exact) return `must have exactly ${n}${counted ? unit : ""}`;
  return counted ? `must have ${cmp} ${n}${unit}` : `must be ${cmp} ${n}`;
}

const FORMAT_WORDS: Record<string, (i: { pattern?: string } & Record<string, unknown>) => string> = {
  starts_with: (i) => `must start with ${String(i.prefix)}`,
  ends_with: (i) => `must end with ${String(i.suffix)}`,
  includes: (i) => `must contain ${String(i.includes)}`,
  regex: (i) => `must match ${i.pattern}`,
};

export const ISSUE_WORDS: Words = {
  invalid_type: (i) =>
    i.input === undefined || i.input === null
      ? "is required"
      : `must be ${typeName(i.expected)}, not ${kindOf(i.input)}`,
  too_big: (i) => bound(i.origin, i.maximum, i.exact, i.inclusive === false ? "less than" : "at most"),
  too_small: (i) => bound(i.origin, i.minimum, i.exact, i.inclusive === false ? "more than" : "at least"),
  invalid_format: (i) => (FORMAT_WORDS[i.format] ?? (() => `must be a valid ${i.format}`))(i),
  not_multiple_of: (i) => `must be a multiple of ${i.divisor}`,
  unrecognized_keys: (i) => `${i.keys.join(", ")} ${i.keys.length > 1 ? "are" : "is"} not a known field`,
  invalid_union: (i) => {
    const options = "options" in i && Array.isArray(i.options) ? (i.options as unknown[]) : [];
    return options.length
      ? `must be one of ${options.map(String).join(", ")}`
      : "does not match any of the forms this field takes";
  },
  invalid_key: (i) => `has a key that ${i.issues[0]?.message ?? "is not valid"}`,
  invalid_element: (i) => `has an element that ${i.issues[0]?.message ?? "is not valid"}`,
  invalid_value: (i) =>
    i.values.length === 1
      ? `must be ${JSON.stringify(i.values[0])}`
      : `must be one of ${i.values.map((v) => String(v)).join(", ")}`,
  custom: () => "is not valid",
};

/** The parse-time error map: zod's default wording never reaches a person. */
export function scenarioErrorMap(issue: RawIssue): string {
  return (ISSUE_WORDS[issue.code] as (i: RawIssue) => string)(issue);
}

/** Whether `path` names a field the file does not have (absent or left empty). */
function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== "object") return false;
    if (!(p in (v as object))) return true;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v === null || v === undefined;
}

/** A union whose input had the type of exactly one alternative speaks with that alternative's issue. */
function unionIssue(issue: z.core.$ZodIssue & { code: "invalid_union" }): z.core.$ZodIssue | undefined {
  const typed = issue.errors.filter(
    (alt) => !alt.some((e) => e.path.length === 0 && e.code === "invalid_type"),
  );
  if (typed.length === 1 && typed[0][0]) {
    const inner = typed[0][0];
    return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
  }
  const values = issue.errors.flatMap((alt) =>
    alt.length === 1 && alt[0].code === "invalid_value" && alt[0].path.length === 0 ? alt[0].values : [],
  );
  if (issue.errors.length > 0 && values.length >= issue.errors.length)
    return {
      code: "invalid_value",
      path: issue.path,
      values,
      message: ISSUE_WORDS.invalid_value({ code: "invalid_value", values, input: undefined }),
    };
  return undefined;
}

export function formatIssue(issue: z.core.$ZodIssue, data?: unknown): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => (issue.path.length ? `${formatPath(issue.path)}.${k}` : k));
    return `${keys.join(", ")} ${keys.length > 1 ? "are" : "is"} not a known field`;
  }
  if (issue.code === "invalid_key") {
    const key = String(issue.path[issue.path.length - 1]);
    const where = formatPath(issue.path.slice(0, -1));
    return `${where ? `${where} ` : ""}key '${key}' ${issue.issues[0]?.message ?? "is not valid"}`;
  }
  if (issue.code === "invalid_union") {
    const inner = issue.discriminator ? undefined : unionIssue(issue);
    if (inner) return formatIssue(inner, data);
  }
  const where = formatPath(issue.path);
  let msg = issue.message;
  if (data !== undefined && isMissing(data, issue.path)) msg = "is required";
  // A discriminated union's schema message names the discriminator again; the table's does not.
  else if (issue.code === "invalid_union" && issue.discriminator)
    msg = ISSUE_WORDS.invalid_union({ ...issue, input: undefined });
  return where ? `${where} ${msg}` : msg;
}

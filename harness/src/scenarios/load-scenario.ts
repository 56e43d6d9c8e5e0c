/**
 * Reads one scenario file: YAML → validated, defaulted `Scenario`. Every failure is one
 * BacksideError INVALID_INPUT whose message names the file and the field
 * (`scenarios/dns-nxdomain.yaml: faults[1].port must be 1-65535`).
 */
import { readFileSync, statSync } from "node:fs";
import { basename, relative } from "node:path";
import { parseDocument } from "yaml";
import { BacksideError } from "../errors.js";
import { formatIssue, scenarioErrorMap } from "./format-issue.js";
import { describeYamlError } from "./yaml-problem.js";
import { scenarioFileSchema, type Scenario } from "./schema.js";
import { checkScenario } from "./check-scenario.js";

export const SCENARIO_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The largest scenario file read: the biggest in the catalogue is a few KB, and parsing YAML
 * costs about 30 times the file's size in memory (a 50 MB file took 1.6 GB). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

function tooBig(shown: string, bytes: number): BacksideError {
  return new BacksideError(
    "INVALID_INPUT",
    `${shown}: ${bytes} bytes is more than a scenario file may have (1 MB); is it the right file?`,
  );
}

/** Shown in messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

export function parseScenario(text: string, file: string): Scenario {
  const shown = displayPath(file);
  const name = basename(file).replace(/\.ya?ml$/, "");
  if (!SCENARIO_NAME.test(name))
    throw new BacksideError(
      "INVALID_INPUT",
      `${shown}: file name must be kebab-case (a-z, 0-9, -) ending in .yaml`,
    );
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_SCENARIO_BYTES) throw tooBig(shown, bytes);
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `${shown}:${describeYamlError(doc, text, e)}`);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new BacksideError("INVALID_INPUT", problems[0] + more, { details: { issues: problems } });
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new BacksideError(
      "INVALID_INPUT",
      `${shown}: must be a mapping with at least description and expect`,
    );
  const parsed = scenarioFileSchema.safeParse(data, { error: scenarioErrorMap });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => formatIssue(i, data));
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1, 4).join("; ")})` : "";
    throw new BacksideError("INVALID_INPUT", `${shown}: ${issues[0]}${more}`, { details: { issues } });
  }
  const scenario: Scenario = { ...parsed.data, name, file };
  const problems = checkScenario(scenario);
  if (problems.length > 0)
    throw new BacksideError("INVALID_INPUT", `${shown}: ${problems[0]}`, { details: { issues: problems } });
  return scenario;
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    const bytes = statSync(file).size;
    if (bytes > MAX_SCENARIO_BYTES) throw tooBig(displayPath(file), bytes);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof BacksideError) throw e;
    throw new BacksideError("NOT_FOUND", `${displayPath(file)}: cannot read scenario file`, { cause: e });
  }
  return parseScenario(text, file);
}

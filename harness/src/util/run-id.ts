import { randomBytes } from "node:crypto";
import { BacksideError } from "../errors.js";

/**
 * Run ids name containers and networks (`backside-<run>-<node>`), so they are short, sortable
 * by start time and safe in Docker names: `[a-z0-9]` and `-`, at most 24 characters.
 */
export function newRunId(prefix = "r"): string {
  const time = Date.now().toString(36);
  const rand = randomBytes(3).toString("hex");
  return checkRunId(`${prefix}-${time}-${rand}`);
}

const RUN_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;

export function checkRunId(id: string): string {
  if (!RUN_ID.test(id)) {
    throw new BacksideError("USAGE", `run id '${id}' must be 1-24 characters of a-z, 0-9 and '-'`);
  }
  return id;
}

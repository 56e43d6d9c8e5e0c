/**
 * The live lab's state file: how `lab stop` and `lab shell`, run from other processes, find the
 * lab that `lab start` keeps up. It names containers and the owner process, never the scenario;
 * a `--random` lab keeps its answer sealed (base64, for `lab stop --reveal`), not secret.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { BacksideError } from "../errors.js";
import { liveness } from "../util/process-identity.js";

const LiveState = z.object({
  version: z.literal(1),
  runId: z.string(),
  startedAt: z.string(),
  owner: z.object({ host: z.string(), pid: z.number().int(), start: z.string().optional() }),
  /** The case it was started from, when it came from a lab's key. */
  case: z.string().optional(),
  gateway: z.object({ container: z.string(), front: z.string(), port: z.number().int() }),
  client: z.object({ container: z.string() }),
  sealed: z.string().optional(),
});
export type LiveState = z.infer<typeof LiveState>;

export function defaultStatePath(): string {
  return (
    process.env.BACKSIDE_LAB_STATE ??
    join(tmpdir(), `backside-lab-${process.getuid?.() ?? "user"}`, "live.json")
  );
}

export function writeState(path: string, s: LiveState): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2) + "\n", { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function readState(path: string): LiveState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const r = LiveState.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function removeState(path: string): void {
  rmSync(path, { force: true });
}

export function ownerAlive(s: LiveState): boolean {
  return liveness(s.owner) !== "dead";
}

/** The running lab, or a NOT_FOUND error saying how to start one. */
export function liveLab(path: string): LiveState {
  const s = readState(path);
  if (!s || !ownerAlive(s))
    throw new BacksideError("NOT_FOUND", "no live lab is running", {
      hint: "start one with `backside lab start CASE` (or --random)",
    });
  return s;
}

export function seal(v: { label: string; scenario: string }): string {
  return Buffer.from(JSON.stringify(v)).toString("base64");
}

export function unseal(s: string): { label: string; scenario: string } | undefined {
  try {
    return JSON.parse(Buffer.from(s, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
}

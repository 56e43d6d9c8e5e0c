import type Docker from "dockerode";
import { BacksideError, oneLine } from "../errors.js";
import { imageRef, LABEL_INPUT_HASH, ROLE_IMAGES, type ImageName } from "./catalog.js";
import { planBase } from "./base-image.js";
import { inspectImage } from "./docker-client.js";
import { decideBuild } from "./input-hash.js";
import type { BuildLog, Planned } from "./plan-types.js";
import { planRole } from "./role-image.js";

export interface BuildOptions {
  /** Images to build; empty = all. `base` is always checked first: every role is built FROM it. */
  only?: readonly ImageName[];
  /** Build even when the input hash did not change. */
  force?: boolean;
  root: string;
  log: BuildLog;
  env?: NodeJS.ProcessEnv;
}

export type ImageOutcome =
  | { name: ImageName; status: "built"; id: string; seconds: number; reason: string }
  | { name: ImageName; status: "skipped"; id: string; seconds: number }
  | { name: ImageName; status: "failed"; error: BacksideError; seconds: number };

/**
 * Builds the project's images in order (base, then roles), skipping each one whose recorded
 * `backside.input-hash` matches its inputs. One role failing (its stand-in does not bundle yet)
 * does not stop the others; a failed base stops everything. Progress goes to `log` as
 * `<name>: built|skipped|FAILED (<s> s)`.
 */
export async function buildImages(docker: Docker, opts: BuildOptions): Promise<ImageOutcome[]> {
  const wanted = new Set<ImageName>(
    opts.only && opts.only.length > 0 ? opts.only : ["base", ...ROLE_IMAGES.map((r) => r.name)],
  );
  const outcomes: ImageOutcome[] = [];

  const replaced: string[] = [];

  const base = await step(
    docker,
    "base",
    () => planBase(opts.root, opts.env),
    opts.force === true && wanted.has("base"),
    opts.log,
    replaced,
  );
  outcomes.push(base);
  if (base.status !== "failed") {
    for (const role of ROLE_IMAGES) {
      if (!wanted.has(role.name)) continue;
      outcomes.push(
        await step(
          docker,
          role.name,
          () => planRole(opts.root, role, base.id),
          opts.force === true,
          opts.log,
          replaced,
        ),
      );
    }
  }
  await removeReplaced(docker, replaced);
  return outcomes;
}

/**
 * Each rebuild leaves the previous image untagged (~240 MB). Remove those, roles before the base
 * they were built on; the engine refuses (and we ignore) any still used by a container or a child.
 */
async function removeReplaced(docker: Docker, ids: string[]): Promise<void> {
  for (const id of ids.reverse()) {
    await docker
      .getImage(id)
      .remove({ noprune: false })
      .catch(() => {});
  }
}

async function step(
  docker: Docker,
  name: ImageName,
  plan: () => Promise<Planned>,
  force: boolean,
  log: BuildLog,
  replaced: string[],
): Promise<ImageOutcome> {
  const t0 = Date.now();
  const seconds = () => (Date.now() - t0) / 1000;
  let outcome: ImageOutcome;
  try {
    const planned = await plan();
    const existing = await inspectImage(docker, imageRef(name));
    const decision = decideBuild({
      existing: existing !== undefined,
      existingHash: existing?.labels[LABEL_INPUT_HASH],
      wanted: planned.hash,
      force,
    });
    if (decision.action === "skip") {
      outcome = { name, status: "skipped", id: existing!.id, seconds: seconds() };
    } else {
      log.info(`${name}: building (${decision.reason})`);
      const id = await planned.build(docker, log);
      if (existing && existing.id !== id) replaced.push(existing.id);
      outcome = { name, status: "built", id, seconds: seconds(), reason: decision.reason };
    }
  } catch (e) {
    const error = e instanceof BacksideError ? e : new BacksideError("INTERNAL", oneLine(e), { cause: e });
    outcome = { name, status: "failed", error, seconds: seconds() };
  }
  log.info(formatOutcome(outcome));
  if (outcome.status === "failed" && typeof outcome.error.details?.output === "string") {
    for (const line of outcome.error.details.output.split("\n")) log.info(`  | ${line}`);
  }
  return outcome;
}

export function formatOutcome(o: ImageOutcome): string {
  const t = `${o.seconds.toFixed(1)} s`;
  switch (o.status) {
    case "built":
      return `${imageRef(o.name)}: built (${o.reason}) in ${t}  ${o.id.slice(0, 19)}`;
    case "skipped":
      return `${imageRef(o.name)}: skipped (unchanged) in ${t}  ${o.id.slice(0, 19)}`;
    case "failed":
      return `${imageRef(o.name)}: FAILED in ${t}: ${oneLine(o.error)}`;
  }
}

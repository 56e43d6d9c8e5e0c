import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BacksideError } from "../errors.js";
import { buildImage } from "./docker-build.js";
import { imageRef, LABEL_IMAGE, LABEL_INPUT_HASH, LABEL_PROJECT, type RoleImage } from "./catalog.js";
import type { ContextFile } from "./context-tar.js";
import { inputHash } from "./input-hash.js";
import { runProcess } from "./run-process.js";
import type { Planned } from "./plan-types.js";

/**
 * Plans a role image: bundles its stand-in program first (the bundle is an input), then hashes
 * exactly the files that go into the build context: images/<role>/Dockerfile, the shared
 * images/common/entry.sh (as `entry.sh`), and images/<role>/build/<role>.mjs when the role has a
 * program, together with the base image's id, so a new base rebuilds every role.
 */
export async function planRole(root: string, role: RoleImage, baseId: string): Promise<Planned> {
  if (role.program) await bundle(root, role.name);
  const files: ContextFile[] = [
    { path: "Dockerfile", content: readFileSync(join(root, "images", role.name, "Dockerfile")) },
    { path: "entry.sh", content: readFileSync(join(root, "images/common/entry.sh")), mode: 0o755 },
  ];
  if (role.program) {
    const program = join(root, "images", role.name, "build", `${role.name}.mjs`);
    if (!existsSync(program))
      throw new BacksideError("INTERNAL", `bundle for ${role.name} is missing after bundling: ${program}`);
    files.push({ path: `build/${role.name}.mjs`, content: readFileSync(program) });
  }
  const base = imageRef("base");
  const hash = inputHash([
    ...files.map((f) => ({ key: `file:${f.path}`, value: f.content! })),
    { key: "base-id", value: baseId },
  ]);
  return {
    hash,
    build: (docker, log) =>
      buildImage(docker, {
        tag: imageRef(role.name),
        files,
        buildargs: { BASE_IMAGE: base },
        labels: {
          [LABEL_PROJECT]: "backside",
          [LABEL_IMAGE]: role.name,
          [LABEL_INPUT_HASH]: hash,
          "backside.base-id": baseId,
        },
        onLine: log.verbose,
      }),
  };
}

/** Runs scripts/bundle-standins.mjs for one role; its one-line error becomes the message. */
async function bundle(root: string, role: string): Promise<void> {
  const entry = join("harness/src/standins", role, "main.ts");
  // An installed package ships the bundles `npm run build` made, not the sources.
  if (!existsSync(join(root, entry)) && existsSync(join(root, "images", role, "build", `${role}.mjs`)))
    return;
  if (!existsSync(join(root, entry)))
    throw new BacksideError(
      "NOT_FOUND",
      `${role}: ${entry} does not exist yet (its stand-in is not written)`,
    );
  await runProcess(process.execPath, [join(root, "scripts/bundle-standins.mjs"), role], {
    cwd: root,
    timeoutMs: 120_000,
    what: `bundling the ${role} stand-in`,
  });
}

/**
 * `backside images build [--only NAME...] [--force] [--verbose]` and `backside images list`.
 * Exit 0 when every requested image is built or unchanged, 5 (RUNTIME) when one failed.
 */
import { BacksideError } from "../../errors.js";
import {
  buildImages,
  connectDocker,
  IMAGE_NAMES,
  isImageName,
  listImages,
  repoRoot,
  type ImageName,
} from "../../images/index.js";

export const summary = "build the container images offline (skips unchanged ones), or list them";

const HELP = `usage: backside images build [--only NAME...] [--force] [--verbose]
       backside images list

  build    base (debootstrap, cached in .cache/images) then the role images, each skipped when
           its input hash (label backside.input-hash) did not change
           --only NAME...  just these (${IMAGE_NAMES.join(", ")}); base is always checked first
           --force         rebuild even when unchanged (the debootstrap cache is still used)
           --verbose       show the builder's output
  list     the images, their ids, sizes and input hashes

  env BASE_IMAGE=<public bookworm image>  build base from a registry image instead (needs a registry)
  env BACKSIDE_MIRROR=<url>               Debian mirror for debootstrap (default: the host's apt source)`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(HELP + "\n");
    return sub ? 0 : 2;
  }
  if (sub === "build") return build(rest);
  if (sub === "list") {
    if (rest.length > 0)
      throw new BacksideError("USAGE", `images list takes no arguments (got '${rest[0]}')`);
    return list();
  }
  throw new BacksideError("USAGE", `unknown images subcommand '${sub}'`, {
    hint: "use `images build` or `images list`",
  });
}

function parseBuild(argv: string[]): { only: ImageName[]; force: boolean; verbose: boolean } {
  const only: ImageName[] = [];
  let force = false;
  let verbose = false;
  let inOnly = false;
  for (const a of argv) {
    if (a === "--force") ((force = true), (inOnly = false));
    else if (a === "--verbose" || a === "-v") ((verbose = true), (inOnly = false));
    else if (a === "--only") inOnly = true;
    else if (a.startsWith("--only=")) only.push(...a.slice(7).split(",").map(checkName));
    else if (inOnly && !a.startsWith("-")) only.push(...a.split(",").map(checkName));
    else
      throw new BacksideError("USAGE", `images build: unknown option '${a}'`, {
        hint: "run `backside images --help`",
      });
  }
  if (inOnly && only.length === 0)
    throw new BacksideError("USAGE", "images build: --only needs at least one image name");
  return { only, force, verbose };
}

function checkName(s: string): ImageName {
  if (!isImageName(s))
    throw new BacksideError(
      "USAGE",
      `images build: --only: unknown image '${s}' (one of ${IMAGE_NAMES.join(", ")})`,
    );
  return s;
}

async function build(argv: string[]): Promise<number> {
  const opts = parseBuild(argv);
  const docker = await connectDocker();
  const t0 = Date.now();
  const outcomes = await buildImages(docker, {
    only: opts.only,
    force: opts.force,
    root: repoRoot(),
    log: {
      info: (l) => process.stdout.write(l + "\n"),
      verbose: opts.verbose ? (l) => process.stdout.write(`  | ${l}\n`) : undefined,
    },
  });
  const failed = outcomes.filter((o) => o.status === "failed");
  const built = outcomes.filter((o) => o.status === "built").length;
  const skipped = outcomes.filter((o) => o.status === "skipped").length;
  process.stdout.write(
    `images: ${built} built, ${skipped} skipped, ${failed.length} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return failed.length === 0 ? 0 : new BacksideError("RUNTIME", "").exitCode;
}

async function list(): Promise<number> {
  const docker = await connectDocker();
  for (const i of await listImages(docker)) {
    if (!i.id) {
      process.stdout.write(`${i.ref.padEnd(26)} (not built)\n`);
      continue;
    }
    const mb = ((i.sizeBytes ?? 0) / 1e6).toFixed(0).padStart(4);
    process.stdout.write(
      `${i.ref.padEnd(26)} ${i.id.slice(7, 19)} ${mb} MB  ${i.created?.slice(0, 19) ?? ""}  ${i.inputHash?.slice(0, 19) ?? "(no hash)"}\n`,
    );
  }
  return 0;
}

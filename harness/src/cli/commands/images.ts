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
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const summary = "build the container images offline (skips unchanged ones), or list them";

/** `images build`'s options; `images list` takes none. */
export const options = {
  only: {
    type: "string",
    metavar: "NAME...",
    help: `just these (${IMAGE_NAMES.join(", ")}); base is always checked first`,
  },
  force: { type: "boolean", help: "rebuild even when unchanged (the debootstrap cache is still used)" },
  verbose: { type: "boolean", short: "v", help: "show the builder's output" },
} satisfies OptionTable;

export const subcommands = ["build", "list"] as const;

export const help = helpText(
  [
    "usage: backside images build [--only NAME...] [--force] [--verbose]",
    "       backside images list",
    "",
    "  build    base (debootstrap, cached in .cache/images) then the role images, each skipped when",
    "           its input hash (label backside.input-hash) did not change",
    "  list     the images, their ids, sizes and input hashes",
    "",
    "options of build:",
  ],
  options,
  [
    "env BASE_IMAGE=<public bookworm image>  build base from a registry image instead (needs a registry)",
    "env BACKSIDE_MIRROR=<url>               Debian mirror for debootstrap (default: the host's apt source)",
  ].join("\n"),
);

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(help + "\n");
    return sub ? 0 : 2;
  }
  if (sub === "build") return build(rest);
  if (sub === "list") {
    if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
      process.stdout.write(help + "\n");
      return 0;
    }
    if (rest.length > 0)
      throw new BacksideError("USAGE", `images list takes no arguments (got '${rest[0]}')`);
    return list();
  }
  throw new BacksideError("USAGE", `unknown images subcommand '${sub}'`, {
    hint: "use `images build` or `images list`",
  });
}

function parseBuild(argv: string[]): { only: ImageName[]; force: boolean; verbose: boolean } | "help" {
  const parsed = parseOptions("images build", options, argv, { positionals: true });
  if (parsed === "help") return "help";
  const o = parsed.values;
  // `--only gateway dns`: the names after --only are its values.
  if (parsed.positionals.length > 0 && o.only === undefined)
    throw new BacksideError("USAGE", `images build: unexpected argument '${parsed.positionals[0]}'`, {
      hint: "name images with --only",
    });
  const names = [o.only ?? "", ...parsed.positionals].flatMap((n) => n.split(",")).filter(Boolean);
  if (argv.some((a) => a === "--only" || a.startsWith("--only=")) && names.length === 0)
    throw new BacksideError("USAGE", "images build: --only needs at least one image name");
  return { only: names.map(checkName), force: o.force === true, verbose: o.verbose === true };
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
  if (opts === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
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

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { buildImage } from "./docker-build.js";
import { imageRef, LABEL_IMAGE, LABEL_INPUT_HASH, LABEL_PROJECT } from "./catalog.js";
import { BASE_PACKAGES, BASE_SUITE, detectMirror } from "./base-pins.js";
import { fileSha256 } from "./file-digest.js";
import { inputHash } from "./input-hash.js";
import { runProcess } from "./run-process.js";
import type { Planned } from "./plan-types.js";

/** The cache folder for root file systems (git-ignored `.cache/` at the checkout's root). */
export function cacheDir(root: string): string {
  return join(root, ".cache", "images");
}

/**
 * Plans `backside/base`: its input hash and how to build it. Offline (the default): a debootstrap
 * root file system, cached as `.cache/images/rootfs-<key>.tar` so a rebuild (a new node, say) does
 * not debootstrap again, plus the host's node binary, imported with `docker import`. With env
 * BASE_IMAGE=<public bookworm image>: images/base/Dockerfile.public on top of that image.
 */
export async function planBase(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Planned> {
  const nodeBin = process.execPath;
  const nodeSha = await fileSha256(nodeBin);
  const packages = BASE_PACKAGES.join(",");
  const common = {
    [LABEL_PROJECT]: "backside",
    [LABEL_IMAGE]: "base",
    "backside.base.suite": BASE_SUITE,
    "backside.base.packages": packages,
    "backside.base.node": process.version,
    "backside.base.node-sha256": nodeSha,
  };

  const publicImage = env.BASE_IMAGE?.trim();
  if (publicImage) {
    const dockerfile = readFileSync(join(root, "images/base/Dockerfile.public"));
    const hash = inputHash([
      { key: "file:Dockerfile", value: dockerfile },
      { key: "pin:from", value: publicImage },
      { key: "pin:packages", value: packages },
      { key: "node-sha256", value: nodeSha },
    ]);
    return {
      hash,
      build: async (docker, log) => {
        return buildImage(docker, {
          tag: imageRef("base"),
          files: [
            { path: "Dockerfile", content: dockerfile },
            { path: "node", file: nodeBin, mode: 0o755 },
          ],
          buildargs: { BASE_IMAGE: publicImage, PACKAGES: packages },
          labels: { ...common, [LABEL_INPUT_HASH]: hash, "backside.base.from": publicImage },
          onLine: log.verbose,
        });
      },
    };
  }

  const mirror = detectMirror(env);
  const script = readFileSync(join(root, "images/base/build-rootfs.sh"));
  const rootfsKey = inputHash([
    { key: "file:build-rootfs.sh", value: script },
    { key: "pin:suite", value: BASE_SUITE },
    { key: "pin:packages", value: packages },
    { key: "pin:mirror", value: mirror },
  ]);
  const hash = inputHash([
    { key: "rootfs", value: rootfsKey },
    { key: "node-sha256", value: nodeSha },
  ]);
  return {
    hash,
    build: async (docker, log) => {
      const tar = await ensureRootfs(root, rootfsKey, { suite: BASE_SUITE, packages, mirror }, log);
      return importBase(docker, root, tar, nodeBin, {
        ...common,
        [LABEL_INPUT_HASH]: hash,
        "backside.base.mirror": mirror,
        "backside.base.rootfs-key": rootfsKey,
        "backside.base.dpkg-sha256": inputHash([{ key: "dpkg", value: readFileSync(`${tar}.packages`) }]),
      });
    },
  };
}

async function ensureRootfs(
  root: string,
  key: string,
  pins: { suite: string; packages: string; mirror: string },
  log: { info: (line: string) => void },
): Promise<string> {
  const dir = cacheDir(root);
  mkdirSync(dir, { recursive: true });
  const tar = join(dir, `rootfs-${key.slice("sha256:".length, "sha256:".length + 16)}.tar`);
  if (existsSync(tar) && existsSync(`${tar}.packages`)) {
    log.info(`  base: cached root file system ${tar}`);
    return tar;
  }
  log.info(`  base: debootstrap ${pins.suite} from ${pins.mirror} (about a minute)`);
  const t0 = Date.now();
  await runProcess("bash", [join(root, "images/base/build-rootfs.sh"), tar], {
    env: {
      ...process.env,
      BACKSIDE_SUITE: pins.suite,
      BACKSIDE_PACKAGES: pins.packages,
      BACKSIDE_MIRROR: pins.mirror,
    },
    timeoutMs: 15 * 60_000,
    what: "debootstrap of the base root file system",
  });
  log.info(`  base: debootstrap took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return tar;
}

/**
 * `docker import` of the cached root file system with node and the package list appended
 * (`tar -r` on a copy: the cache stays pristine, and no root-owned tree is unpacked again).
 */
async function importBase(
  docker: Docker,
  root: string,
  rootfsTar: string,
  nodeBin: string,
  labels: Record<string, string>,
): Promise<string> {
  const work = join(cacheDir(root), `import-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  try {
    mkdirSync(join(work, "stage/usr/local/bin"), { recursive: true });
    mkdirSync(join(work, "stage/opt/backside"), { recursive: true });
    copyFileSync(nodeBin, join(work, "stage/usr/local/bin/node"));
    copyFileSync(`${rootfsTar}.packages`, join(work, "stage/opt/backside/base-packages.txt"));
    const tar = join(work, "rootfs.tar");
    copyFileSync(rootfsTar, tar);
    await runProcess(
      "tar",
      [
        "--numeric-owner",
        "--owner=0",
        "--group=0",
        "-rf",
        tar,
        "-C",
        join(work, "stage"),
        "./usr/local/bin/node",
        "./opt/backside",
      ],
      { timeoutMs: 120_000, what: "adding node to the base root file system" },
    );
    const changes = [
      'CMD ["sleep","infinity"]',
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      ...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`),
    ];
    await runProcess("docker", ["import", ...changes.flatMap((c) => ["-c", c]), tar, imageRef("base")], {
      timeoutMs: 300_000,
      what: "docker import of the base image",
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const info = await docker.getImage(imageRef("base")).inspect();
  return info.Id;
}

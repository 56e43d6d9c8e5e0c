#!/usr/bin/env node
// npm run build: the workspace packages the harness depends on (harness/tcpdump-wrapper, into its
// own dist/), then the library and CLI compiled to dist/ (tsconfig.build.json), the stand-in
// bundles (scripts/bundle-standins.mjs), and dist/.build-stamp dated when the build STARTED, so
// harness/bin/backside.js sees a source edited during the build as newer than the build.
//
// tsc writes into dist.next/ and the finished tree replaces dist/ by rename: a `backside` that
// starts (or lazily imports a command) during a build never finds half a dist/.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, renameSync, rmSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const next = join(root, "dist.next");
const old = join(root, "dist.old");
const started = new Date();
const step = (what, args) => {
  // Progress goes to stderr: `npm pack --json` prints its JSON on stdout after this.
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", process.stderr, "inherit"] });
  if (r.status !== 0) {
    process.stderr.write(`build: ${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
};

/** The finished tree `next` replaces `dist` by rename (the old one moved aside, then removed). */
function swap(next, dist, old) {
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}

rmSync(next, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// The harness's compiled code imports the package's compiled code (tsconfig.build.json resolves
// it to harness/tcpdump-wrapper/dist), so the package is built first, swapped in the same way.
const pkg = join(root, "harness/tcpdump-wrapper");
rmSync(join(pkg, "dist.next"), { recursive: true, force: true });
step("tsc -p harness/tcpdump-wrapper", [
  tsc,
  "-p",
  join(pkg, "tsconfig.json"),
  "--outDir",
  join(pkg, "dist.next"),
]);
swap(join(pkg, "dist.next"), join(pkg, "dist"), join(pkg, "dist.old"));
// Same depth as dist/, so the source maps' relative paths are the same.
step("tsc -p tsconfig.build.json", [tsc, "-p", "tsconfig.build.json", "--outDir", next]);
step("bundling the stand-ins", [join(root, "scripts/bundle-standins.mjs")]);
const stamp = join(next, ".build-stamp");
closeSync(openSync(stamp, "w"));
utimesSync(stamp, started, started);
swap(next, dist, old);
process.stderr.write(`build: dist/ and the stand-in bundles in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

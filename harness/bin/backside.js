#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`, which `npm run setup` runs). In a source
// checkout whose build is missing or older than any source file (the harness's or a workspace
// package's), it runs the TypeScript through tsx's loader instead, workspace packages included, so
// an edit is never run stale. BACKSIDE_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const src = join(root, "harness/src");
const sources = [src, join(root, "harness/tcpdump-wrapper/src")];
const stamp = join(root, "dist/.build-stamp");

/** Newest mtime under dir (files and folders: a removed file changes its folder's). Bounded by the tree. */
function newest(dir) {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) t = Math.max(t, newest(join(dir, e.name)));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
      t = Math.max(t, statSync(join(dir, e.name)).mtimeMs);
  }
  return t;
}

function useBuild() {
  if (process.env.BACKSIDE_FROM_SOURCE === "1" || !existsSync(stamp)) return false;
  // An installed package has no sources: its dist is what there is.
  return !existsSync(src) || Math.max(...sources.filter(existsSync).map(newest)) <= statSync(stamp).mtimeMs;
}

// `backside list | head`: a reader that goes away is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

let cli;
if (useBuild()) cli = await import("../../dist/cli/main.js");
else {
  // A workspace package resolves to its sources through its "backside-source" export (as in
  // tsconfig.json and vitest.config.ts); tsx, registered after, transpiles them.
  // (module.register is Node >= 20.6; before it, the workspace packages' build is used.)
  const { register: registerHooks } = await import("node:module");
  registerHooks?.(
    "data:text/javascript,export function resolve(s, c, next) {" +
      " return next(s, { ...c, conditions: [...c.conditions, 'backside-source'] }); }",
  );
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import("../src/cli/main.ts");
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.exitCode = cli.reportError(e); },
);

#!/usr/bin/env node
// Bundles each stand-in program (harness/src/standins/<role>/main.ts) into one ESM file,
// images/<role>/build/<role>.mjs, which the role image copies to /opt/backside/<role>.mjs.
//
//   node scripts/bundle-standins.mjs [ROLE...]     (default: gateway dns backend)
//
// A role whose main.ts does not exist yet fails with one line; the other roles still bundle.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const PROGRAM_ROLES = ["gateway", "dns", "backend"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// CommonJS dependencies (dns2) call require(); an ESM bundle has none unless we define it.
const banner = [
  'import { createRequire as __backsideCreateRequire } from "node:module";',
  "const require = __backsideCreateRequire(import.meta.url);",
].join("\n");

/** Bundles one role; resolves to the output path or rejects with a one-line Error. */
export async function bundleRole(role) {
  const entry = join(root, "harness/src/standins", role, "main.ts");
  if (!existsSync(entry)) throw new Error(`${role}: ${relative(root, entry)} does not exist yet`);
  const outfile = join(root, "images", role, "build", `${role}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      banner: { js: banner },
      logLevel: "silent",
      legalComments: "none",
      // Same bytes for the same sources, so the image's input hash only moves when code does.
      sourcemap: false,
      // Written below, atomically: an image build running at the same time hashes and sends this
      // file, and must never see half of it.
      write: false,
    });
  } catch (e) {
    const first = e?.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
    throw new Error(`${role}: ${first?.text ?? e.message}${where}`);
  }
  const code = result.outputFiles.find((f) => f.path === outfile)?.contents;
  if (!code) throw new Error(`${role}: esbuild produced no ${relative(root, outfile)}`);
  if (!existsSync(outfile) || !readFileSync(outfile).equals(code)) {
    const tmp = `${outfile}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, outfile);
  }
  return outfile;
}

async function main(argv) {
  const roles = argv.length > 0 ? argv : PROGRAM_ROLES;
  let failed = 0;
  for (const role of roles) {
    if (!PROGRAM_ROLES.includes(role)) {
      process.stderr.write(
        `bundle-standins: ${role}: not a role with a program (${PROGRAM_ROLES.join(", ")})\n`,
      );
      failed++;
      continue;
    }
    try {
      const out = await bundleRole(role);
      process.stdout.write(`bundle-standins: ${role} -> ${relative(root, out)}\n`);
    } catch (e) {
      process.stderr.write(`bundle-standins: ${e.message}\n`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so no build step is needed.
import { register } from "tsx/esm/api";
register();
// `backside list | head`: a reader that goes away is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import("../src/cli/main.ts");
const { oneLine, isBacksideError } = await import("../src/errors.ts");
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    // Several broken files are one error with a line each.
    for (const line of oneLine(e).split("\n")) process.stderr.write(`backside: ${line}\n`);
    if (process.env.BACKSIDE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = isBacksideError(e) ? e.exitCode : 70;
  },
);

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so no build step is needed.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
const { oneLine, isBacksideError } = await import("../src/errors.ts");
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`backside: ${oneLine(e)}\n`);
    if (process.env.BACKSIDE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = isBacksideError(e) ? e.exitCode : 70;
  },
);

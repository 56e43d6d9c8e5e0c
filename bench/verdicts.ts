/**
 * Records the engine's whole output over bundles and corpora, or checks it against a recording:
 *
 *   npx tsx bench/verdicts.ts record OUT.json DIR...   (bundles under each DIR; a corpus folder too)
 *   npx tsx bench/verdicts.ts check OUT.json DIR...    (exit 1 and the differences, if any)
 *
 * Use it around a change to the engine's insides, on report folders from real runs
 * (`backside run --all --report DIR`) as well as the fixtures the unit test checks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import {
  differences,
  recordBundles,
  recordCorpus,
  type Recorded,
} from "../harness/src/engine/testing/recorded-verdicts.js";

const [mode, out, ...dirs] = process.argv.slice(2);
if ((mode !== "record" && mode !== "check") || !out || dirs.length === 0) {
  console.error("usage: bench/verdicts.ts record|check OUT.json DIR...");
  process.exit(2);
}
const now: Recorded = {};
for (const d of dirs) {
  await recordCorpus(d, now);
  await recordBundles(d, now);
}
if (mode === "record") {
  writeFileSync(out, JSON.stringify(now, null, 1) + "\n");
  console.log(`${Object.keys(now).length} outputs recorded in ${out}`);
} else {
  const diff = differences(JSON.parse(readFileSync(out, "utf8")) as Recorded, now);
  for (const d of diff) console.log(d);
  console.log(`${Object.keys(now).length - diff.length} same, ${diff.length} different`);
  process.exit(diff.length ? 1 : 0);
}

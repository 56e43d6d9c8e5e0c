/**
 * The engine's whole output on every golden bundle (whole, and captures alone) and every
 * real-tools case is what fixtures/recorded-verdicts.json recorded: a change to how the engine
 * works inside shows here as soon as it changes anything a reader sees. After a change meant to
 * alter the output, record again (README "Performance").
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { REAL_TOOLS_DIR } from "./fixtures/real-tools.js";
import { differences, recordBundles, recordCorpus, type Recorded } from "./testing/recorded-verdicts.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");

it("gives the recorded verdict, confidence, evidence and text on every fixture", async () => {
  const recorded = JSON.parse(readFileSync(resolve(FIXTURES, "recorded-verdicts.json"), "utf8")) as Recorded;
  const now: Recorded = {};
  await recordCorpus(REAL_TOOLS_DIR, now);
  await recordBundles(resolve(FIXTURES, "runs"), now);
  expect(Object.keys(now).length).toBeGreaterThan(100);
  expect(differences(recorded, now)).toEqual([]);
}, 120_000);

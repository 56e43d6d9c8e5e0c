/** `backside lab start CASE|--random`: the live lab, kept until `lab stop` or Ctrl-C. */
import Docker from "dockerode";
import { randomInt } from "node:crypto";
import { BacksideError, oneLine } from "../../errors.js";
import { loadCatalogue, DEFAULT_SCENARIO_DIR } from "../../scenarios/index.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { readKey, keyCase } from "../../lab/lab-key.js";
import { normaliseCase } from "../../lab/case-name.js";
import { openLabFolder } from "../../lab/lab-folder.js";
import { pickScenarios } from "../../lab/select-scenarios.js";
import { seededRandom } from "../../lab/seeded-shuffle.js";
import { defaultStatePath, ownerAlive, readState, removeState } from "../../lab/live-state.js";
import { startLive } from "../../lab/live-session.js";
import { sweep } from "../../topology/index.js";
import { checkEnvironment } from "./run.js";
import { runRepl } from "../../lab/lab-shell.js";
import { banner, shellIo } from "./lab-shell.js";
import { helpText, intOption, parseOptions, type OptionTable } from "../options.js";

export const options = {
  random: { type: "boolean", help: "a scenario picked at random (with --seed, the same one each time)" },
  seed: { type: "string", metavar: "N", help: "the random pick" },
  scenarios: { type: "string", metavar: "SPEC", help: "pick among these (names and globs)" },
  dir: { type: "string", metavar: "DIR", help: "the lab folder (default: the current folder), for CASE" },
  key: { type: "string", metavar: "FILE", help: "the key (default DIR/key.json), for CASE" },
  for: { type: "string", metavar: "SECONDS", help: "tear down by itself after this long (default 14400)" },
  state: {
    type: "string",
    metavar: "FILE",
    help: "where the live lab is recorded (default $BACKSIDE_LAB_STATE or a file in the temp dir)",
  },
  shell: {
    type: "boolean",
    help: "open the lab shell here once it is up; leaving the shell tears the lab down",
  },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside lab start CASE|--random [options]",
    "",
    "  CASE  a case of the lab's key (case-01, 01, 1)",
  ],
  options,
  "Then `backside lab shell` in another terminal. Ctrl-C or `backside lab stop` removes everything.",
);

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab start", options, argv, { positionals: true });
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const v = a.values;
  const random = v.random === true;
  if (random === (a.positionals.length === 1) || a.positionals.length > 1)
    throw new BacksideError("USAGE", "lab start: give one CASE or --random");
  const statePath = v.state ?? defaultStatePath();
  const forSeconds = v.for === undefined ? 14_400 : intOption("lab start", "--for", v.for, 10, 86_400);
  const seedFlag =
    v.seed === undefined ? undefined : intOption("lab start", "--seed", v.seed, 0, 2 ** 31 - 1);
  const catalogue = loadCatalogue(DEFAULT_SCENARIO_DIR);
  let scenarioName: string;
  let caseName: string | undefined;
  if (random) {
    const pool = pickScenarios(catalogue, v.scenarios);
    const seed = seedFlag ?? randomInt(2 ** 31 - 1);
    scenarioName = pool[Math.floor(seededRandom(seed)() * pool.length)].name;
  } else {
    const folder = openLabFolder(v.dir ?? ".");
    const key = readKey(v.key ?? folder.keyPath);
    caseName = normaliseCase(
      a.positionals[0],
      key.cases.map((c) => c.case),
    );
    scenarioName = keyCase(key, caseName).scenario;
  }
  const scenario = catalogue.find((s) => s.name === scenarioName);
  if (!scenario) throw new BacksideError("NOT_FOUND", "the case's scenario is no longer in the catalogue");
  const docker = new Docker();
  await checkEnvironment(docker);
  await clearStale(docker, statePath);

  const registry = new CleanupRegistry();
  const abort = new AbortController();
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let signalled = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signalled > 1) return void registry.stopAll().finally(() => process.exit(130));
    abort.abort();
    resolveDone(sig === "SIGINT" ? 130 : 0);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    process.stdout.write(
      `lab start: bringing up ${caseName ? caseName : "a random case"} (a minute at most)...\n`,
    );
    const live = await startLive({
      scenario,
      statePath,
      caseName,
      sealAnswer: random,
      docker,
      registry,
      signal: abort.signal,
    });
    process.stdout.write(
      `lab start: the lab is up (run ${live.state.runId}). In another terminal: backside lab shell\n` +
        `lab start: Ctrl-C or \`backside lab stop\` tears it down (by itself after ${forSeconds} s)\n`,
    );
    const timer = setTimeout(() => resolveDone(0), forSeconds * 1000);
    if (v.shell)
      void runRepl(
        shellIo(live.state, process.cwd()),
        process.stdin,
        process.stdout,
        banner(live.state),
      ).finally(() => resolveDone(0));
    const code = await done;
    clearTimeout(timer);
    await live.stop();
    process.stdout.write("lab start: the lab is torn down\n");
    return code;
  } catch (e) {
    if (abort.signal.aborted) {
      process.stderr.write(`lab start: interrupted while starting (${oneLine(e)}); everything removed\n`);
      return 130;
    }
    throw e;
  } finally {
    clearInterval(keepAlive);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await registry.stopAll().catch(() => undefined);
  }
}

/** A state left by a lab whose process died: sweep its run, then forget it. A live one blocks. */
async function clearStale(docker: Docker, statePath: string): Promise<void> {
  const s = readState(statePath);
  if (!s) return;
  if (ownerAlive(s))
    throw new BacksideError("USAGE", `a live lab is already running (pid ${s.owner.pid})`, {
      hint: "stop it with `backside lab stop`, or give another --state",
    });
  await sweep(docker, { runIds: [s.runId] });
  removeState(statePath);
}

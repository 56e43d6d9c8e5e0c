/**
 * The library's way to run one scenario, for test authors:
 *
 *   await using run = await runScenario("scenarios/my-case.yaml");
 *   expect(run.diagnosed).toBe(run.expected);
 *
 * Defaults: Docker from the environment (DOCKER_HOST or the local socket), no console output
 * (report.json in the report folder), a temporary report folder. Every container and network is
 * removed when the run ends, also when it fails or is aborted; disposing the run removes the
 * temporary report folder too (not one the caller named, and not with `keepReports`).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { BacksideError, ErrorCodes, isBacksideError, type ErrorCode } from "../errors.js";
import type { Cause } from "../taxonomy.js";
import { diagnose as engineDiagnose } from "../engine/diagnose.js";
import { loadScenario, defaultScenarioDir, type Scenario } from "../scenarios/index.js";
import { runCatalogue, type Diagnoser, type ScenarioRunResult } from "../runner/index.js";
import { JsonReporter, ReporterMultiplexer, type Reporter } from "../reporters/index.js";
import { CleanupRegistry } from "../util/cleanup-registry.js";
import { connectDocker } from "../images/docker-client.js";

export interface RunScenarioOptions {
  /** Default: `new Docker()`, which reads DOCKER_HOST or uses the local socket. */
  docker?: Docker;
  /** Default: a JSON reporter (report.json). Pass `new ConsoleReporter()` to watch the run. */
  reporters?: Reporter[];
  /** Where the bundle goes. Default: a new temporary folder, removed when the run is disposed. */
  reportDir?: string;
  /** Keep the temporary report folder after dispose (its path is `reportDir`). */
  keepReports?: boolean;
  /** The folder a scenario name is looked up in. Default: ./scenarios, else the package's own. */
  scenarioDir?: string;
  /** Aborting stops the steps, collects what there is and tears down. */
  signal?: AbortSignal;
  /** The engine. Default: backside's `diagnose`. */
  diagnose?: Diagnoser;
}

export interface ScenarioRun extends AsyncDisposable {
  scenario: Scenario;
  /** What the scenario file says it must produce. */
  expected: Cause;
  /** What the engine named from the artifacts; null when it could not run. */
  diagnosed: Cause | null;
  match: boolean;
  /** The whole result, as report.json holds it (evidence, timings, artifacts...). */
  result: ScenarioRunResult;
  /** The scenario's folder: captures, gateway.log, error-report.txt, verdict.json. */
  bundleDir: string;
  reportDir: string;
}

/** A file path (`.yaml`/`.yml` or with a `/`), or a scenario name in `scenarioDir`. */
export function resolveScenario(nameOrFile: string, scenarioDir?: string): Scenario {
  if (/\.ya?ml$/.test(nameOrFile) || nameOrFile.includes("/")) return loadScenario(nameOrFile);
  const dir = scenarioDir ?? defaultScenarioDir();
  const file = [".yaml", ".yml"].map((ext) => join(dir, nameOrFile + ext)).find((f) => existsSync(f));
  if (!file)
    throw new BacksideError("USAGE", `unknown scenario '${nameOrFile}' in ${dir}`, {
      hint: "give a scenario file's path, or a name from `backside list`",
    });
  return loadScenario(file);
}

export async function runScenario(
  nameOrFile: string,
  options: RunScenarioOptions = {},
): Promise<ScenarioRun> {
  const scenario = resolveScenario(nameOrFile, options.scenarioDir);
  const ownDir = options.reportDir === undefined;
  const reportDir = options.reportDir ?? mkdtempSync(join(tmpdir(), `backside-${scenario.name}-`));
  const registry = new CleanupRegistry();
  const removeReports = () => {
    if (ownDir && !options.keepReports) rmSync(reportDir, { recursive: true, force: true });
  };
  try {
    const docker = await connectDocker(options.docker);
    const summary = await runCatalogue({
      scenarios: [scenario],
      repeats: 1,
      parallel: 1,
      reportDir,
      reporter: new ReporterMultiplexer(options.reporters ?? [new JsonReporter()]),
      diagnose: options.diagnose ?? engineDiagnose,
      docker,
      registry,
      signal: options.signal,
    });
    const result = summary.results[0];
    if (!result) throw new BacksideError("INTERRUPTED", `${scenario.name}: aborted before it started`);
    // A harness failure (no verdict at all) is an error to the caller, not a mismatch.
    if (result.error && result.diagnosed === null) {
      const code = (result.error.code in ErrorCodes ? result.error.code : "RUNTIME") as ErrorCode;
      throw new BacksideError(code, `${scenario.name}: ${result.error.message}`);
    }
    let disposed = false;
    return {
      scenario,
      expected: result.expected,
      diagnosed: result.diagnosed,
      match: result.match,
      result,
      bundleDir: join(reportDir, result.bundle),
      reportDir,
      async [Symbol.asyncDispose]() {
        if (disposed) return;
        disposed = true;
        await registry.stopAll();
        removeReports();
      },
    };
  } catch (e) {
    // Everything this call started goes before the error does, as a failed start should.
    await registry.stopAll().catch(() => undefined);
    removeReports();
    throw isBacksideError(e)
      ? e
      : new BacksideError("INTERNAL", String((e as Error)?.message ?? e), { cause: e });
  }
}

/**
 * runScenario's lifecycle with real containers: a run interrupted mid-way leaves no container or
 * network behind, disposing removes the temporary report folder, and a run that cannot start
 * removes what it made before it rejects.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario, type ScenarioRun } from "../index.js";
import { isBacksideError } from "../errors.js";
import { LABEL } from "../topology/labels.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const docker = new Docker();
const ours = { label: [`${LABEL.pid}=${process.pid}`] };

const scratch = mkdtempSync(join(tmpdir(), "api-scen-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A catalogue scenario under a name of its own, so its temporary folders can be told apart. */
function copyOf(name: string, as: string): string {
  const f = join(scratch, `${as}.yaml`);
  copyFileSync(join(ROOT, "scenarios", `${name}.yaml`), f);
  return f;
}
const tempFolders = (name: string) => readdirSync(tmpdir()).filter((d) => d.startsWith(`backside-${name}-`));

describe("runScenario (library)", { timeout: 240_000 }, () => {
  it("aborted mid-run: collects what it has, and leaves no container or network", async () => {
    const abort = new AbortController();
    let run: ScenarioRun | undefined;
    let error: unknown;
    const reporter = {
      name: "abort-after-start",
      onScenarioStart: () => void setTimeout(() => abort.abort(), 4000),
    };
    try {
      run = await runScenario("tcp-silent-drop", {
        scenarioDir: join(ROOT, "scenarios"),
        signal: abort.signal,
        reporters: [reporter],
      });
    } catch (e) {
      error = e;
    }
    if (run) {
      expect(run.result.partial).toBe(true);
      await run[Symbol.asyncDispose]();
    } else expect(isBacksideError(error) ? error.code : error).toBe("INTERRUPTED");
    expect(await docker.listContainers({ all: true, filters: ours })).toEqual([]);
    expect(await docker.listNetworks({ filters: ours })).toEqual([]);
  });

  it("disposing a finished run removes its temporary report folder", async () => {
    const file = copyOf("healthy", "api-healthy");
    let dir = "";
    {
      await using run = await runScenario(file);
      expect(run.diagnosed).toBe("healthy");
      dir = run.reportDir;
      expect(readdirSync(run.bundleDir).filter((f) => f.endsWith(".pcap")).length).toBeGreaterThan(0);
    }
    expect(existsSync(dir)).toBe(false);
    expect(tempFolders("api-healthy")).toEqual([]);
  });

  it("without a Docker engine: rejects with ENVIRONMENT and leaves no report folder", async () => {
    const file = copyOf("healthy", "api-no-docker");
    const nowhere = new Docker({ socketPath: join(tmpdir(), "no-such-docker.sock") });
    await expect(runScenario(file, { docker: nowhere })).rejects.toMatchObject({
      code: "ENVIRONMENT",
      message: "no Docker engine answers on this machine",
    });
    expect(tempFolders("api-no-docker")).toEqual([]);
  });
});

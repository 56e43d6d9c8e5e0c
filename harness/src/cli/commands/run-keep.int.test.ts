/**
 * `run --fail-fast --keep` through the real binary, against the engine named by DOCKER_HOST (a
 * unix socket at another path than the default): the first scenario fails, its topology stays
 * up after the process has ended, as printed, the next scenario is never started, and
 * `backside clean --run ID` removes what was kept.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { dockerExec } from "../../topology/docker-exec.js";

const BIN = resolve(import.meta.dirname, "../../../bin/backside.js");
const ROOT = resolve(import.meta.dirname, "../../../..");
const dir = mkdtempSync(join(tmpdir(), "backside-keep-"));
const kept: string[] = [];
afterAll(async () => {
  for (const id of kept) await cli(["clean", "--run", id]);
  rmSync(dir, { recursive: true, force: true });
});

// The engine's own socket, reached through another path, as a remote engine would be named.
const engine = join(dir, "engine.sock");
symlinkSync(process.env.DOCKER_HOST?.replace(/^unix:\/\//, "") ?? "/var/run/docker.sock", engine);
const env = { ...process.env, DOCKER_HOST: `unix://${engine}` };

function cli(args: string[], extra: NodeJS.ProcessEnv = env): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: extra, timeout: 240_000 });
    let out = "";
    p.stdout.on("data", (b) => (out += b));
    p.stderr.on("data", (b) => (out += b));
    p.on("error", fail);
    p.on("close", (code) => done({ code, out }));
  });
}

describe("run --fail-fast --keep", () => {
  it(
    "keeps the failed topology up, starts nothing after it, and clean removes it",
    { timeout: 300_000 },
    async () => {
      const scen = join(dir, "scenarios");
      mkdirSync(scen);
      // Refused for real, but declared healthy: a mismatch the engine cannot talk its way out of.
      writeFileSync(
        join(scen, "a-refused-declared-healthy.yaml"),
        "description: nothing listens on the backend's port\nexpect: healthy\nbackend:\n  mode: not-listening\ntimeoutSeconds: 30\n",
      );
      writeFileSync(
        join(scen, "b-healthy.yaml"),
        "description: control\nexpect: healthy\ntimeoutSeconds: 30\n",
      );
      const reports = join(dir, "report");
      const r = await cli([
        "run",
        "--all",
        "--dir",
        scen,
        "--parallel",
        "1",
        "--fail-fast",
        "--keep",
        "--report-dir",
        reports,
      ]);
      expect(r.code, r.out).toBe(1);
      const doc = JSON.parse(readFileSync(join(reports, "report.json"), "utf8"));
      expect(doc.notRun).toEqual(["b-healthy"]);
      const [failed] = doc.results;
      expect(failed).toMatchObject({
        id: "a-refused-declared-healthy",
        diagnosed: "tcp.refused",
        status: "mismatched",
      });
      kept.push(failed.kept.runId);
      expect(failed.kept.remove).toBe(`backside clean --run ${failed.kept.runId}`);
      expect(r.out).toContain(`docker exec -it ${failed.kept.containers.gateway} sh`);
      expect(r.out).toContain(`remove it: backside clean --run ${failed.kept.runId}`);
      expect(r.out).toMatch(/--fail-fast: 1 scenario run\(s\) not started after a failure/);

      // The process has ended; the topology has not, and its backend still refuses.
      const docker = new Docker();
      const filters = { label: [`backside.run=${failed.kept.runId}`] };
      const up = await docker.listContainers({ filters });
      expect(up.map((c) => c.Labels["backside.node"]).sort()).toEqual([
        "backend",
        "client",
        "dns",
        "firewall",
        "gateway",
      ]);
      const ss = await dockerExec(docker.getContainer(failed.kept.containers.backend), [
        "sh",
        "-c",
        "ss -Hltn 'sport = :80' | wc -l",
      ]);
      expect(ss.stdout.trim()).toBe("0");

      // Plain `clean` counts it among the leftovers of dead runs (dry run: other runs' leftovers stay).
      const dry = await cli(["clean", "--dry-run"]);
      expect(dry.out).toMatch(
        new RegExp(`would remove container \\S+-gateway \\(run ${failed.kept.runId}, owner dead\\)`),
      );
      const c = await cli(["clean", "--run", failed.kept.runId]);
      expect(c.code, c.out).toBe(0);
      expect(await docker.listContainers({ all: true, filters })).toEqual([]);
      expect(await docker.listNetworks({ filters })).toEqual([]);
    },
  );

  it("names DOCKER_HOST when the engine it names does not answer (exit 4)", async () => {
    const r = await cli(["run", "healthy"], { ...env, DOCKER_HOST: `unix://${join(dir, "none.sock")}` });
    expect(r.code).toBe(4);
    expect(r.out).toBe(
      `backside: no Docker engine reachable at DOCKER_HOST=unix://${join(dir, "none.sock")} (start dockerd (npm run setup) and check \`docker info\`)\n`,
    );
  });
});

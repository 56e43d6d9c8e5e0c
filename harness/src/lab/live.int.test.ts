/**
 * The live lab with real containers, through the binary: `lab start` keeps a broken topology up,
 * `lab shell` asks the gateway (a time-out against a silent drop, a refusal against a closed
 * port, the old address in the DNS cache of a stale-cache case), a person's keystrokes reach the
 * shell through tmux, and `lab stop` — or `backside clean` after a kill -9 — leaves nothing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { pollUntil } from "../util/poll-until.js";
import { labelFilter } from "../topology/index.js";

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "harness/bin/backside.js");
const TMUX = ["-L", `backside-lab-test-${process.pid}`];
const docker = new Docker();
const started: ChildProcess[] = [];

afterAll(async () => {
  for (const c of started) if (c.exitCode === null) c.kill("SIGTERM");
  spawnSync("tmux", [...TMUX, "kill-server"]);
});

function env(state: string): NodeJS.ProcessEnv {
  return { ...process.env, BACKSIDE_LAB_STATE: state };
}

function cli(args: string[], state: string, timeout = 120_000) {
  return spawnSync("node", [BIN, ...args], { cwd: ROOT, env: env(state), encoding: "utf8", timeout });
}

async function startLab(
  scenario: string,
): Promise<{ child: ChildProcess; runId: string; state: string; out: () => string }> {
  const state = join(mkdtempSync(join(tmpdir(), "lab-live-")), "live.json");
  const child = spawn("node", [BIN, "lab", "start", "--random", "--scenarios", scenario], {
    cwd: ROOT,
    env: env(state),
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const runId = await pollUntil(async () => /the lab is up \(run ([a-z0-9-]+)\)/.exec(out)?.[1], {
    timeoutMs: 150_000,
    intervalMs: 200,
    what: `lab start ${scenario}: ${out}`,
  });
  expect(out).not.toContain(scenario);
  return { child, runId, state, out: () => out };
}

async function leftovers(runId: string): Promise<string[]> {
  const c = await docker.listContainers({ all: true, filters: labelFilter(runId) });
  const n = await docker.listNetworks({ filters: labelFilter(runId) });
  return [...c.map((x) => x.Names[0]), ...n.map((x) => x.Name)];
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    c.exitCode !== null ? resolve(c.exitCode) : c.once("exit", (code) => resolve(code)),
  );

describe("lab start, lab shell, lab stop", () => {
  it(
    "against a silent drop, test tcp-connection reports a time-out; lab stop leaves nothing",
    { timeout: 300_000 },
    async () => {
      const lab = await startLab("tcp-silent-drop");
      const t = cli(["lab", "shell", "-c", "test tcp-connection api.backside.test 80 3"], lab.state);
      expect(t.stdout).toMatch(
        /^TCP connection failed: api\.backside\.test:80 \([\d.]+\): connection timed out \(ETIMEDOUT\) after 3\d{3} ms/,
      );
      expect(t.status).toBe(0);
      // The learner's own capture, fetched through the shell, shows the drop to the engine.
      const shell = (c: string) => cli(["lab", "shell", "-c", c, "--out-dir", dir], lab.state).stdout;
      const dir = mkdtempSync(join(tmpdir(), "lab-shell-files-"));
      expect(shell("packet-capture start")).toMatch(/^Packet capture started on any/);
      expect(shell("test tcp-connection api.backside.test 80 2")).toMatch(/connection timed out/);
      expect(shell("packet-capture stop")).toMatch(/^Packet capture stopped: \d+ bytes/);
      const saved = /saved to (\S+\.pcap)/.exec(shell("packet-capture get"))?.[1];
      expect(saved).toBeDefined();
      const d = spawnSync("node", [BIN, "diagnose", "--pcap", saved!], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(d.stdout).toMatch(/cause:\s+tcp\.silent-drop/);
      // Ping goes through (only TCP to port 80 is dropped); the route to the backend is via the firewall.
      expect(shell("ping api.backside.test")).toMatch(/6 packets transmitted, 6 received, 0% packet loss/);
      expect(shell("show route")).toMatch(/^default\s+[\d.]+\.254\s+eth\d/m);
      expect(shell("show dns")).toMatch(/^1\s+[\d.]+\.53\s+53\s+up$/m);
      // The learner's tools do not reach the firewall: no command shows its rules.
      expect(cli(["lab", "shell", "-c", "show firewall"], lab.state).stdout).toMatch(/^% Unknown command/);
      const stop = cli(["lab", "stop"], lab.state);
      expect(stop.status, stop.stderr).toBe(0);
      expect(await exited(lab.child)).toBe(0);
      expect(await leftovers(lab.runId)).toEqual([]);
      expect(existsSync(lab.state)).toBe(false);
      expect(cli(["lab", "shell", "-c", "show tcp"], lab.state).status).toBe(3);
    },
  );

  it(
    "against a closed port, it reports a refusal; after kill -9, backside clean sweeps the lab",
    { timeout: 300_000 },
    async () => {
      const lab = await startLab("tcp-refused");
      const t = cli(["lab", "shell", "-c", "test tcp-connection api.backside.test 80"], lab.state);
      expect(t.stdout).toMatch(
        /^TCP connection failed: api\.backside\.test:80 \([\d.]+\): connection refused \(ECONNREFUSED\)/,
      );
      lab.child.kill("SIGKILL");
      await exited(lab.child);
      expect((await leftovers(lab.runId)).length).toBeGreaterThan(0);
      const clean = (...a: string[]) =>
        spawnSync("node", [BIN, "clean", ...a], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
      // A plain `backside clean` would take it (its owner is dead); only this run is removed
      // here, since other runs on the machine are not this test's to remove.
      const dry = clean("--dry-run");
      expect(dry.stdout).toMatch(
        new RegExp(`would remove container \\S+ \\(run ${lab.runId}, owner dead\\)`),
      );
      const swept = clean("--run", lab.runId);
      expect(swept.status, swept.stderr).toBe(0);
      expect(await leftovers(lab.runId)).toEqual([]);
    },
  );

  it(
    "in a stale-cache case, show dns-cache holds the old address, typed through tmux",
    { timeout: 300_000 },
    async () => {
      const lab = await startLab("dns-stale-cache");
      const cache = cli(["lab", "shell", "-c", "show dns-cache"], lab.state).stdout;
      const cached = /^api\.backside\.test\s+([\d.]+)\s+(\d+)$/m.exec(cache);
      expect(cached, cache).not.toBeNull();
      const now = /^Address: ([\d.]+)/m.exec(
        cli(["lab", "shell", "-c", "nslookup api.backside.test"], lab.state).stdout,
      );
      expect(now).not.toBeNull();
      // The scenario moves the backend from .10 to .11 on its segment; the cache kept .10.
      expect(cached![1]).toMatch(/\.10$/);
      expect(now![1]).toMatch(/\.11$/);
      expect(Number(cached![2])).toBeGreaterThan(3000);

      const session = "lab";
      const tmux = (...a: string[]) =>
        spawnSync("tmux", [...TMUX, ...a], { encoding: "utf8", timeout: 10_000 });
      const screen = () => tmux("capture-pane", "-p", "-t", session).stdout;
      const r = tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "160",
        "-y",
        "50",
        "-e",
        `BACKSIDE_LAB_STATE=${lab.state}`,
        "-c",
        ROOT,
        `node ${BIN} lab shell`,
      );
      expect(r.status, r.stderr).toBe(0);
      await pollUntil(async () => /^idg#/m.test(screen()), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "the shell's prompt",
      });
      tmux("send-keys", "-t", session, "show dns-cache", "Enter");
      await pollUntil(async () => screen().includes("TTL left"), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "show dns-cache on screen",
      });
      expect(screen()).toContain(cached![1]);
      tmux("send-keys", "-t", session, "clear dns-cache", "Enter");
      await pollUntil(async () => /DNS cache cleared \(\d+ entries\)/.test(screen()), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "clear dns-cache",
      });
      tmux("send-keys", "-t", session, "send request", "Enter");
      // With the cache cleared the gateway asks again, gets the new address, and the request works.
      await pollUntil(async () => /HTTP 200 after/.test(screen()), {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: `send request: ${screen()}`,
      });
      tmux("send-keys", "-t", session, "exit", "Enter");
      await pollUntil(async () => tmux("has-session", "-t", session).status !== 0, {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: "the shell to exit",
      });

      expect(cli(["lab", "stop"], lab.state).status).toBe(0);
      expect(await leftovers(lab.runId)).toEqual([]);
    },
  );
});

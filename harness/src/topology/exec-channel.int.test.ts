import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Docker from "dockerode";
import { dockerExec } from "./docker-exec.js";
import { ExecChannel } from "./exec-channel.js";
import { BASE_IMAGE } from "./testing/minimal-nodes.js";
import { LABEL } from "./labels.js";
import { newRunId } from "../util/run-id.js";

const docker = new Docker();
const runId = newRunId("t");
const made: Docker.Container[] = [];

/** A container of the base image that only sleeps, with no network at all; docker-init reaps (as in a node). */
async function sleeper(env: string[] = []): Promise<Docker.Container> {
  const c = await docker.createContainer({
    Image: BASE_IMAGE,
    Entrypoint: ["/bin/sleep", "600"],
    Env: env,
    Labels: { [LABEL.project]: "backside", [LABEL.run]: runId },
    HostConfig: { NetworkMode: "none", Init: true },
  });
  made.push(c);
  await c.start();
  return c;
}

let c: Docker.Container;
let ch: ExecChannel;

beforeAll(async () => {
  c = await sleeper();
  const started = await ExecChannel.start(c);
  if (!started) throw new Error("the exec agent did not start in the base image");
  ch = started;
});

afterAll(async () => {
  ch?.close();
  await Promise.allSettled(made.map((x) => x.remove({ force: true })));
});

const processes = async () =>
  (await dockerExec(c, ["ps", "-eo", "comm="])).stdout.split("\n").filter(Boolean);

describe("exec channel (a real container)", () => {
  it("gives what docker exec gives: exit code, stdout, stderr, stdin, environment, a signal's exit code", async () => {
    const cases: [string[], { stdin?: string; env?: Record<string, string> }][] = [
      [["sh", "-c", "echo out; echo err >&2; exit 3"], {}],
      [["cat"], { stdin: "line one\nline two" }],
      [["sh", "-c", 'echo "$GREETING from $HOSTNAME"'], { env: { GREETING: "hello" } }],
      [["sh", "-c", "kill -9 $$"], {}],
      [["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"], {}],
      [["true"], {}],
    ];
    for (const [cmd, opts] of cases) {
      const viaChannel = await ch.run(cmd, opts);
      const viaDocker = await dockerExec(c, cmd, opts);
      expect(viaChannel, cmd.join(" ")).toEqual(viaDocker);
    }
  });

  it("runs commands side by side, each reply to its own command", async () => {
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ch.run(["sh", "-c", `sleep 0.$((${i} % 3)); echo ${i}`])),
    );
    expect(rs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it("a command not found exits 126 with a message, as docker exec does", async () => {
    const r = await ch.run(["no-such-command"]);
    expect(r.exitCode).toBe((await dockerExec(c, ["no-such-command"])).exitCode);
    expect(r.stderr).toMatch(/no-such-command: executable file not found/);
  });

  it("a command past its time is a TIMEOUT, and its process group is killed (docker exec leaves it running)", async () => {
    const t0 = Date.now();
    await expect(ch.run(["sh", "-c", "sleep 45 & sleep 44; wait"], { timeoutMs: 400 })).rejects.toMatchObject(
      {
        code: "TIMEOUT",
      },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = (await processes()).filter((p) => p === "sleep");
      // The container's own `sleep 600` stays.
      if (left.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toEqual(["sleep"]);
  });

  it("a background child with its output redirected does not hold the reply", async () => {
    const t0 = Date.now();
    const r = await ch.run(["sh", "-c", "sleep 30 </dev/null >/dev/null 2>&1 & echo started"]);
    expect(r).toEqual({ exitCode: 0, stdout: "started\n", stderr: "" });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("closing it ends the agent in the node", async () => {
    const other = await sleeper();
    const own = await ExecChannel.start(other);
    expect(own?.open).toBe(true);
    const ps = async () => (await dockerExec(other, ["ps", "-eo", "comm="])).stdout.split("\n");
    expect(await ps()).toContain("node");
    own!.close();
    expect(own!.open).toBe(false);
    let names: string[] = [];
    for (let i = 0; i < 50; i++) {
      names = await ps();
      if (!names.includes("node")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(names).not.toContain("node");
    await expect(own!.run(["true"])).rejects.toMatchObject({ code: "RUNTIME" });
  });

  it("where node cannot run, there is no channel (the caller keeps docker exec)", async () => {
    const bare = await sleeper(["PATH=/nowhere"]);
    expect(await ExecChannel.start(bare)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import Docker from "dockerode";
import { labelFilter, LABEL, PROJECT } from "./labels.js";
import { sweep } from "./sweep.js";
import { newRunId } from "../util/run-id.js";
import { currentProcess } from "../util/process-identity.js";
import { iptablesLines, diffHostRules } from "./testing/host-firewall.js";
import { spawnCli } from "./testing/child.js";

const docker = new Docker();

async function runResources(runId: string) {
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters: labelFilter(runId) }),
    docker.listNetworks({ filters: labelFilter(runId) }),
  ]);
  return { containers, networks };
}

async function bridgesAndSubnets(runId: string) {
  const nets = (await runResources(runId)).networks;
  return {
    bridges: nets.map((n) => `br-${n.Id.slice(0, 12)}`),
    subnets: nets.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet!)),
  };
}

describe("interrupted and crashed runs", () => {
  it("`backside up` interrupted with SIGINT removes its containers, networks and host rules, exit 130", async () => {
    const before = iptablesLines();
    const runId = newRunId("t");
    const child = spawnCli(["up", "--base", "--run-id", runId]);
    try {
      await child.waitFor(/ready in \d+ ms/, 120_000);
      const { containers } = await runResources(runId);
      expect(containers.length).toBe(5);
      const ours = await bridgesAndSubnets(runId);
      child.proc.kill("SIGINT");
      const exit = await child.exited(30_000);
      expect(exit.code).toBe(130);
      expect(child.output()).toContain("torn down");
      const left = await runResources(runId);
      expect(left.containers).toEqual([]);
      expect(left.networks).toEqual([]);
      const d = diffHostRules(before, iptablesLines(), ours.bridges, ours.subnets);
      expect(d.ours).toEqual([]);
      expect(d.unexplained).toEqual([]);
    } finally {
      child.proc.kill("SIGKILL");
      await sweep(docker, { all: true, runIds: [runId] });
    }
  });

  it("a run killed with SIGKILL is dead: `backside clean --run` removes it and says what it removed", async () => {
    const runId = newRunId("t");
    const child = spawnCli(["up", "--base", "--run-id", runId]);
    try {
      await child.waitFor(/ready in \d+ ms/, 120_000);
      child.proc.kill("SIGKILL");
      await child.exited(10_000);
      expect((await runResources(runId)).containers.length).toBe(5);
      const dry = spawnCli(["clean", "--dry-run", "--run", runId]);
      await dry.exited(30_000);
      expect(dry.output()).toContain(
        `would remove container backside-${runId}-firewall (run ${runId}, owner dead)`,
      );
      expect((await runResources(runId)).containers.length).toBe(5);
      const clean = spawnCli(["clean", "--run", runId]);
      const exit = await clean.exited(60_000);
      expect(exit.code, clean.output()).toBe(0);
      expect(clean.output()).toContain(`removed network backside-${runId}-mid`);
      const left = await runResources(runId);
      expect(left.containers).toEqual([]);
      expect(left.networks).toEqual([]);
    } finally {
      child.proc.kill("SIGKILL");
      await sweep(docker, { all: true, runIds: [runId] });
    }
  });

  it("clean keeps live runs and hand-made labs, and removes a dead owner's resources", async () => {
    const me = currentProcess();
    const live = newRunId("t");
    const dead = newRunId("t");
    const manual = newRunId("t");
    const mk = (run: string, owner: Record<string, string>) =>
      docker.createNetwork({
        Name: `backside-${run}-probe`,
        Internal: true,
        Labels: { [LABEL.project]: PROJECT, [LABEL.run]: run, ...owner },
      });
    const ownerOf = (pid: number, start: string) => ({
      [LABEL.host]: me.host,
      [LABEL.pid]: String(pid),
      [LABEL.pidStart]: start,
    });
    await Promise.all([mk(live, ownerOf(me.pid, me.start)), mk(dead, ownerOf(me.pid, "1")), mk(manual, {})]);
    try {
      const r = await sweep(docker, { runIds: [live, dead, manual] });
      expect(r.removed.map((x) => x.run)).toEqual([dead]);
      expect(r.kept.map((x) => `${x.run}:${x.owner}`).sort()).toEqual(
        [`${live}:alive`, `${manual}:manual`].sort(),
      );
    } finally {
      await sweep(docker, { all: true, runIds: [live, dead, manual] });
    }
    expect((await runResources(live)).networks).toEqual([]);
  });
});

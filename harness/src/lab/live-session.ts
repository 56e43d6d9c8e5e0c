/**
 * A live lab: the scenario's topology with its fault in place, kept up for a person. It is
 * brought up like a scenario run (same stand-in configs, faults, topology changes and steps, so
 * the gateway's state — its log, DNS cache, TCP table — is what the failure left), but under a
 * neutral name and without captures: the learner makes their own with `packet-capture`.
 */
import type Docker from "dockerode";
import type { Scenario } from "../scenarios/schema.js";
import type { StartedTopology } from "../topology/started-topology.js";
import type { CleanupRegistry } from "../util/cleanup-registry.js";
import { createTestPki, type TestPki } from "../tls/index.js";
import { newRunId } from "../util/run-id.js";
import { currentProcess } from "../util/process-identity.js";
import { withTimeout } from "../util/poll-until.js";
import { bringUpScenario } from "../runner/bring-up-scenario.js";
import { SlotPicker } from "../runner/slot-picker.js";
import { applyTopologyChange } from "../runner/topology-changes.js";
import { runSteps, setFaults, type StepContext } from "../runner/run-steps.js";
import { resolveHost } from "../runner/resolve-address.js";
import { FRONT_PORT } from "../runner/standin-configs.js";
import { removeState, seal, writeState, type LiveState } from "./live-state.js";
import { backsideGateway } from "../runner/gateways/backside-gateway.js";

export interface StartLiveOptions {
  scenario: Scenario;
  statePath: string;
  /** The case name, when started from a lab's key. */
  caseName?: string;
  /** Keep the answer sealed in the state (a --random lab has no key). */
  sealAnswer?: boolean;
  docker: Docker;
  registry?: CleanupRegistry;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface LiveLab {
  state: LiveState;
  topology: StartedTopology;
  stop(): Promise<void>;
}

const needsPki = (s: Scenario) => s.gateway.backend.scheme === "https" || s.backend.mode.startsWith("tls-");

export async function startLive(o: StartLiveOptions): Promise<LiveLab> {
  const s = o.scenario;
  const runId = newRunId("lab");
  const slots = new SlotPicker(o.docker);
  const slot = await slots.take();
  let pki: TestPki | undefined;
  let topo: StartedTopology | undefined;
  // The state goes last: `lab stop` takes its removal as "torn down".
  const stop = async () => {
    try {
      await topo?.stop();
      await pki?.dispose().catch(() => undefined);
      slots.release(slot);
    } finally {
      removeState(o.statePath);
    }
  };
  try {
    if (needsPki(s)) {
      const host = resolveHost(slot, s.gateway.backend.host);
      pki = await createTestPki({ hostName: host.isName ? host.host : "backend.backside.test", runId });
    }
    topo = await bringUpScenario({
      scenario: s,
      runId,
      slot,
      pki,
      docker: o.docker,
      registry: o.registry,
      name: "lab",
    });
    const ctx: StepContext = {
      topo,
      scenario: s,
      pki,
      signal: o.signal,
      requests: [],
      log: o.log ?? (() => undefined),
      gateway: backsideGateway,
    };
    for (const change of s.topology) ctx.log(await applyTopologyChange(topo, change));
    await setFaults(ctx, s.firewall.faults);
    // The steps leave the gateway as the failure did (a cached address, a log with the error).
    await withTimeout(runSteps(ctx), s.timeoutSeconds * 1000, "the lab's opening steps");
    const state: LiveState = {
      version: 1,
      runId,
      startedAt: new Date().toISOString(),
      owner: currentProcess(),
      ...(o.caseName ? { case: o.caseName } : {}),
      gateway: {
        container: topo.node("gateway").containerName,
        front: topo.node("gateway").address("front"),
        port: FRONT_PORT,
      },
      client: { container: topo.node("client").containerName },
      ...(o.sealAnswer ? { sealed: seal({ label: s.expect, scenario: s.name }) } : {}),
    };
    writeState(o.statePath, state);
    return { state, topology: topo, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

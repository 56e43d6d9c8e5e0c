import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Topology, defaultNodeOptions, type StartedTopology } from "./index.js";
import { newRunId } from "../util/run-id.js";
import { startCapture } from "../capture/index.js";
import { readTcp, isSyn, isSynAck } from "./testing/pcap-text.js";

let t: StartedTopology;

beforeAll(async () => {
  // The role images as built by `backside images build`: entry.sh applies BACKSIDE_ROUTES.
  t = await new Topology({ name: "roles-test", runId: newRunId("t") })
    .withNode("gateway", defaultNodeOptions.gateway!)
    .withNode("backend", defaultNodeOptions.backend!)
    .withNode("dns", defaultNodeOptions.dns!)
    .start();
});

afterAll(async () => {
  await t?.stop();
});

describe("topology with the role images", () => {
  it("entry.sh applied the planned routes on every node", async () => {
    for (const n of t.nodes()) {
      const defaults = (await n.routes()).filter((l) => l.startsWith("default"));
      expect(defaults.length, `${n.name}: ${defaults.join(" | ")}`).toBe(n.plan.routes.length);
      const logs = await n.logs();
      expect(logs.stdout + logs.stderr, n.name).toContain("entry: routes applied");
    }
  });

  it("the gateway stand-in reaches the backend stand-in through the firewall (SYN and SYN-ACK on the back segment)", async () => {
    const cap = await startCapture(t.node("firewall"), { segment: "back", filter: "tcp port 80" });
    const gw = t.node("gateway").address("front");
    const r = await t
      .node("client")
      .exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", `http://${gw}:8080/`], {
        timeoutMs: 15_000,
      });
    const res = await cap.stop();
    expect(r.stdout).toBe("200");
    const pkts = readTcp(res.file);
    expect(pkts.some((p) => isSyn(p) && p.src === t.node("gateway").address("mid"))).toBe(true);
    expect(pkts.some(isSynAck)).toBe(true);
  });
});

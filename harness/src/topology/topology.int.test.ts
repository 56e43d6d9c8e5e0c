import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Docker from "dockerode";
import { Topology, type StartedTopology } from "./index.js";
import { LABEL, labelFilter } from "./labels.js";
import { NODES, SEGMENTS } from "./plan.js";
import { newRunId } from "../util/run-id.js";
import { startCapture } from "../capture/index.js";
import { minimalNodes, BASE_IMAGE } from "./testing/minimal-nodes.js";
import { readTcp, isSyn, isSynAck } from "./testing/pcap-text.js";
import { iptablesLines, diffHostRules } from "./testing/host-firewall.js";

const docker = new Docker();
const runId = newRunId("t");
let t: StartedTopology;
let rulesBefore: Set<string>;
let bridges: string[] = [];
let subnets: string[] = [];

beforeAll(async () => {
  rulesBefore = iptablesLines();
  t = await new Topology({ name: "int-test", runId, defaultImage: BASE_IMAGE })
    .withNode("gateway", minimalNodes.gateway)
    .withNode("backend", minimalNodes.backend)
    .start();
  subnets = SEGMENTS.map((s) => t.plan.segments[s].subnet);
  bridges = await Promise.all(
    SEGMENTS.map(async (s) => `br-${(await docker.getNetwork(t.networkName(s)).inspect()).Id.slice(0, 12)}`),
  );
});

afterAll(async () => {
  await t?.stop();
});

describe("topology (real containers)", () => {
  it("a request from client through the gateway reaches the backend through the firewall, and every capture point sees SYN and SYN-ACK", async () => {
    const gw = t.node("gateway");
    const fw = t.node("firewall");
    const caps = await Promise.all([
      startCapture(gw, { segment: "mid", filter: "tcp port 80" }),
      startCapture(fw, { segment: "mid", filter: "tcp port 80" }),
      startCapture(fw, { segment: "back", filter: "tcp port 80" }),
    ]);
    const r = await t
      .node("client")
      .exec(["curl", "-s", "-m", "10", `http://${gw.address("front")}:8080/`], { timeoutMs: 15_000 });
    expect(r.stdout).toBe("ok from backend\n");
    const [gwMid, fwMid, fwBack] = await Promise.all(caps.map((c) => c.stop()));

    const backend = t.node("backend").address("back");
    const gwSyn = readTcp(gwMid.file).find((p) => isSyn(p) && p.dst === backend && p.dport === 80);
    expect(gwSyn, "gateway mid capture has the SYN").toBeDefined();
    expect(gwSyn!.src).toBe(gw.address("mid"));
    const port = gwSyn!.sport;
    for (const [where, res] of [
      ["gateway/mid", gwMid],
      ["firewall/mid", fwMid],
      ["firewall/back", fwBack],
    ] as const) {
      const pkts = readTcp(res.file).filter((p) => p.sport === port || p.dport === port);
      expect(pkts.some(isSyn), `${where} SYN`).toBe(true);
      expect(pkts.some(isSynAck), `${where} SYN-ACK`).toBe(true);
      expect(res.bytes).toBeGreaterThan(24);
    }
    // The firewall routes: on the back side the same SYN has one hop less of TTL.
    const ttlMid = readTcp(fwMid.file).find((p) => isSyn(p) && p.sport === port)!.ttl!;
    const ttlBack = readTcp(fwBack.file).find((p) => isSyn(p) && p.sport === port)!.ttl!;
    expect(ttlBack).toBe(ttlMid - 1);
  });

  it("an nftables drop for the backend port on the firewall makes connect time out: retransmitted SYNs, no SYN-ACK", async () => {
    const gw = t.node("gateway");
    const fw = t.node("firewall");
    await fw.execOk(["nft", "-f", "-"], {
      stdin:
        "table inet fault_test {\n chain forward_fault {\n  type filter hook forward priority filter - 10; policy accept;\n  tcp dport 80 drop\n }\n}\n",
    });
    try {
      const cap = await startCapture(gw, { segment: "mid", filter: "tcp port 80", name: "gateway-mid-drop" });
      const capBack = await startCapture(fw, {
        segment: "back",
        filter: "tcp port 80",
        name: "firewall-back-drop",
      });
      const r = await gw.exec(["curl", "-s", "-m", "4", `http://${t.node("backend").address("back")}:80/`], {
        timeoutMs: 10_000,
      });
      expect(r.exitCode).toBe(28); // curl: operation timed out
      const res = await cap.stop();
      const back = await capBack.stop();
      const pkts = readTcp(res.file);
      const syns = pkts.filter(isSyn);
      expect(syns.length).toBeGreaterThanOrEqual(3); // SYN at 0 s, retries at ~1 s and ~2-3 s
      expect(new Set(syns.map((p) => p.sport)).size).toBe(1); // one connection, retransmitted
      expect(pkts.filter(isSynAck)).toEqual([]);
      expect(readTcp(back.file)).toEqual([]); // died in the firewall
    } finally {
      await fw.execOk(["nft", "delete", "table", "inet", "fault_test"]);
    }
  });

  it("no node has a route beyond the topology's segments, and the firewall forwards only between them", async () => {
    const plan = t.plan;
    for (const n of t.nodes()) {
      const routes = await n.routes();
      const own = n.plan.segments.map((s) => plan.segments[s].subnet);
      for (const line of routes) {
        if (line.startsWith("default")) {
          expect(n.plan.routes.length, `${n.name}: ${line}`).toBe(1);
          expect(line.startsWith(n.plan.routes[0] + " "), `${n.name}: ${line}`).toBe(true);
        } else {
          expect(own, `${n.name}: ${line}`).toContain(line.split(" ")[0]);
        }
      }
      expect(routes.filter((l) => l.startsWith("default")).length).toBe(n.plan.routes.length);
      const fwd = await n.execOk(["cat", "/proc/sys/net/ipv4/ip_forward"]);
      expect(fwd.stdout.trim(), `${n.name} ip_forward`).toBe(n.name === "firewall" ? "1" : "0");
      const v6 = await n.execOk(["sh", "-c", "ip -6 addr show | grep -c inet6 || true"]);
      expect(v6.stdout.trim(), `${n.name} has no IPv6 address`).toBe("0");
    }
    const fw = t.node("firewall");
    const ruleset = (await fw.execOk(["nft", "list", "ruleset"])).stdout;
    // Only our base table hooks forward (Docker's own nat chains for its resolver hook output/postrouting).
    expect(ruleset.match(/hook forward/g)?.length).toBe(1);
    const table = (await fw.execOk(["nft", "list", "table", "inet", "backside_base"])).stdout;
    expect(table).toMatch(/hook forward priority filter; policy drop;/);
    const accept = table
      .split("\n")
      .filter((l) => /\baccept\b/.test(l))
      .map((l) => l.trim());
    // nft shows the three adjacent /24s (mid, back, dnsnet) merged into one interval.
    const lo = plan.segments.mid.subnet.replace(".0/24", ".0");
    const hi = plan.segments.dnsnet.subnet.replace(".0/24", ".255");
    expect(accept).toEqual([
      "ct state established,related accept",
      `ip saddr { ${lo}-${hi} } ip daddr { ${lo}-${hi} } accept`,
    ]);
    // The client's segment is not routed at all; front stays internal.
    expect((await docker.getNetwork(t.networkName("front")).inspect()).Internal).toBe(true);
    for (const s of SEGMENTS) {
      const net = await docker.getNetwork(t.networkName(s)).inspect();
      expect(net.Options?.["com.docker.network.bridge.enable_ip_masquerade"]).toBe("false");
    }
  });

  it("a node unplugged from its segment is unreachable, and plugged back in reachable again with its routes", async () => {
    const gw = t.node("gateway");
    const url = `http://${t.node("backend").address("back")}:80/`;
    await t.disconnect("backend", "back");
    const down = await gw.exec(["curl", "-s", "-m", "5", url], { timeoutMs: 10_000 });
    expect(down.exitCode).not.toBe(0);
    await t.connect("backend", "back");
    const up = await gw.exec(["curl", "-s", "-m", "5", url], { timeoutMs: 10_000 });
    expect(up.stdout).toBe("ok from backend\n");
    expect((await t.node("backend").routes()).filter((l) => l.startsWith("default"))).toEqual([
      expect.stringMatching(new RegExp(`^default via ${t.node("firewall").address("back")} `)),
    ]);
  });

  it("a node moved on its segment answers at the new address only, with its routes", async () => {
    const gw = t.node("gateway");
    const be = t.node("backend");
    const old = be.address("back");
    const moved = old.replace(/\.\d+$/, ".11");
    await t.move("backend", "back", moved);
    expect(be.address("back")).toBe(moved);
    expect(await be.interfaceOn("back")).toMatch(/^eth\d+$/);
    const now = await gw.exec(["curl", "-s", "-m", "5", `http://${moved}:80/`], { timeoutMs: 10_000 });
    expect(now.stdout).toBe("ok from backend\n");
    const gone = await gw.exec(["curl", "-s", "-m", "3", `http://${old}:80/`], { timeoutMs: 10_000 });
    expect(gone.exitCode).not.toBe(0);
    expect((await be.routes()).filter((l) => l.startsWith("default"))).toEqual([
      expect.stringMatching(new RegExp(`^default via ${t.node("firewall").address("back")} `)),
    ]);
    await t.move("backend", "back", old);
  });

  it("exec bounds a hanging command, copies files out and reads logs", async () => {
    const be = t.node("backend");
    await expect(be.exec(["sleep", "30"], { timeoutMs: 300 })).rejects.toMatchObject({ code: "TIMEOUT" });
    const echo = await be.exec(["cat"], { stdin: "hello stdin" });
    expect(echo.stdout).toBe("hello stdin");
    await be.copyFilesIn([{ path: "/tmp/x/y.txt", content: "payload" }]);
    expect((await be.copyFileOut("/tmp/x/y.txt")).toString()).toBe("payload");
    await expect(be.copyFileOut("/nonexistent")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await be.logs()).stdout).toContain("backend listening");
    expect(await be.interfaceOn("back")).toMatch(/^eth\d+$/);
  });

  it("stop() leaves no container, network or host firewall rule of the run", async () => {
    await t.stop();
    const containers = await docker.listContainers({ all: true, filters: labelFilter(runId) });
    const networks = await docker.listNetworks({ filters: labelFilter(runId) });
    expect(containers).toEqual([]);
    expect(networks).toEqual([]);
    const d = diffHostRules(rulesBefore, iptablesLines(), bridges, subnets);
    expect(d.ours).toEqual([]);
    expect(d.unexplained).toEqual([]);
    expect(NODES.length).toBe(5);
    expect(LABEL.run).toBe("backside.run");
  });
});

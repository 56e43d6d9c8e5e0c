import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePacket, newDecodedPacket } from "../../decode/packet.js";
import { capturePackets } from "../../pcap/reader.js";
import { applyFaults, clearFaults, listRules, apply } from "./apply.js";
import { Fault } from "./fault.js";
import { ICMP_REJECT_TYPES, type IcmpRejectType } from "./fault-rule.js";
import { applyNetem, detectNetem } from "./netem.js";
import { startNetnsLab, type NetnsLab } from "./netns-lab.js";

/**
 * The fault rules on a real kernel path: client -> router (fault table) -> server, in network
 * namespaces. What the client's connect() gets and what a capture at the client shows.
 */
const canRun =
  process.getuid?.() === 0 &&
  spawnSync("ip", ["netns", "list"]).status === 0 &&
  spawnSync("tcpdump", ["--version"]).status === 0;

let lab: NetnsLab;
let server: ChildProcess;
let dir: string;
const PORT = 8080;

/** Resolves when `child` printed `marker` (stdout or stderr), or fails at the deadline. */
function waitFor(child: ChildProcess, marker: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const t = setTimeout(() => reject(new Error(`no "${marker}" within ${ms} ms: ${seen}`)), ms);
    const on = (d: Buffer) => {
      seen += d;
      if (seen.includes(marker)) (clearTimeout(t), resolve());
    };
    child.stdout?.on("data", on);
    child.stderr?.on("data", on);
  });
}

function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => (child.kill("SIGKILL"), resolve()), ms);
    child.once("exit", () => (clearTimeout(t), resolve()));
  });
}

/** One connect() from the client namespace; its errno is what the gateway's kernel would report. */
async function connectFromClient(timeoutMs: number): Promise<{ ok: boolean; code?: string; ms: number }> {
  const script = `const net=require("net");const t0=Date.now();const s=net.connect({host:"${lab.addr.server}",port:${PORT}});
const out=(o)=>{console.log(JSON.stringify({...o,ms:Date.now()-t0}));s.destroy();process.exit(0)};
s.on("connect",()=>out({ok:true}));s.on("error",(e)=>out({ok:false,code:e.code}));setTimeout(()=>out({ok:false,code:"TIMEOUT"}),${timeoutMs});`;
  const r = await lab.exec("client")([process.execPath, "-e", script]);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
}

interface Seen {
  synSeqs: number[];
  synAcks: number;
  rsts: { src: string }[];
  icmp: { src: string; type: number; code: number }[];
}

/** Captures on the client's interface while `fn` runs, then reads the pcap with the project's reader. */
async function captureAtClient(name: string, fn: () => Promise<unknown>): Promise<Seen> {
  const file = join(dir, `${name}.pcap`);
  const td = spawn(
    "ip",
    [
      "netns",
      "exec",
      lab.ns.client,
      "tcpdump",
      "-i",
      "c0",
      "-n",
      "-U",
      "--immediate-mode",
      "-w",
      file,
      "tcp or icmp",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    await waitFor(td, "listening on", 5000);
    await fn();
  } finally {
    td.kill("SIGINT");
    await exited(td, 5000);
  }
  const seen: Seen = { synSeqs: [], synAcks: 0, rsts: [], icmp: [] };
  const gen = capturePackets(file);
  for (let n = 0; n < 10_000; n++) {
    const step = await gen.next();
    if (step.done) break;
    const p = decodePacket(step.value.data, step.value.linkType, newDecodedPacket());
    if (p.proto === 6) {
      const syn = (p.tcpFlags & 0x02) !== 0;
      const ack = (p.tcpFlags & 0x10) !== 0;
      if (syn && !ack) seen.synSeqs.push(p.seq);
      if (syn && ack) seen.synAcks++;
      if (p.tcpFlags & 0x04) seen.rsts.push({ src: p.src });
    } else if (p.proto === 1) {
      seen.icmp.push({ src: p.src, type: p.icmpType, code: p.icmpCode });
    }
  }
  return seen;
}

describe.skipIf(!canRun)("firewall faults on a real forward path (network namespaces)", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "backside-fw-"));
    lab = await startNetnsLab(`fw${process.pid.toString(36)}`);
    // A base table like the topology owner's: the fault table must never touch it.
    await apply(
      lab.exec("router"),
      "table inet backside_base {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tcounter\n\t}\n}\n",
    );
    const js = `require("net").createServer((s)=>{s.on("error",()=>{});s.end("hi\\n")}).listen(${PORT},"${lab.addr.server}",()=>console.log("ready"))`;
    server = spawn("ip", ["netns", "exec", lab.ns.server, process.execPath, "-e", js], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    await waitFor(server, "ready", 10_000);
  });
  afterAll(async () => {
    if (server) (server.kill("SIGTERM"), await exited(server, 3000));
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const router = () => lab.exec("router");
  const target = () => ({ host: lab.addr.server, port: PORT });

  it("no faults: the connection is made", async () => {
    await clearFaults(router());
    expect(await connectFromClient(3000)).toMatchObject({ ok: true });
  });

  it("drop: no answer, the same SYN retransmitted (first RTO 1 s), the connect times out (tcp.silent-drop)", async () => {
    await applyFaults(router(), [Fault.drop(target())]);
    let r: { ok: boolean; code?: string; ms: number } | undefined;
    const seen = await captureAtClient("drop", async () => (r = await connectFromClient(3500)));
    expect(r).toMatchObject({ ok: false, code: "TIMEOUT" });
    expect(seen.synSeqs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.synSeqs).size).toBe(1);
    expect(seen.synAcks + seen.rsts.length + seen.icmp.length).toBe(0);
  });

  it("reject with tcp reset: ECONNREFUSED, the RST carries the server's address though the router sent it", async () => {
    await applyFaults(router(), [Fault.resetTcp(target())]);
    let r: { ok: boolean; code?: string } | undefined;
    const seen = await captureAtClient("reset", async () => (r = await connectFromClient(3000)));
    expect(r).toMatchObject({ ok: false, code: "ECONNREFUSED" });
    expect(seen.rsts).toEqual([{ src: lab.addr.server }]);
    expect(seen.synAcks).toBe(0);
  });

  it.each(Object.keys(ICMP_REJECT_TYPES).filter((t) => t !== "prot-unreachable") as IcmpRejectType[])(
    "reject with icmp %s: type 3 with its code from the router's address, and the client's errno",
    async (type) => {
      await applyFaults(router(), [Fault.rejectIcmp(target(), type)]);
      let r: { ok: boolean; code?: string } | undefined;
      const seen = await captureAtClient(`icmp-${type}`, async () => (r = await connectFromClient(3000)));
      expect(seen.icmp[0]).toEqual({
        src: lab.addr.routerClientSide,
        type: 3,
        code: ICMP_REJECT_TYPES[type].code,
      });
      expect(r).toMatchObject({ ok: false, code: ICMP_REJECT_TYPES[type].errno });
    },
  );

  it("drop-return: the server's SYN-ACKs are lost on the way back, the client only sees its own SYNs", async () => {
    await applyFaults(router(), [Fault.dropReturn(target())]);
    let r: { ok: boolean; code?: string } | undefined;
    const seen = await captureAtClient("drop-return", async () => (r = await connectFromClient(2500)));
    expect(server.exitCode).toBeNull();
    expect(r).toMatchObject({ ok: false, code: "TIMEOUT" });
    expect(seen.synAcks).toBe(0);
    expect(seen.synSeqs.length).toBeGreaterThanOrEqual(2);
    const rules = await listRules(router());
    expect(rules.ids).toEqual(["drop-return:f0"]);
  });

  it("loss 50 %: numgen drops about half the SYNs, so some of 30 connects are made within 1.5 s and some are not", async () => {
    await applyFaults(router(), [Fault.loss(target(), 50)]);
    // Each connect has two SYNs within 1.5 s (RTO 1 s): P(made) = 0.75, P(all 30 made) = 0.75^30 < 0.0002.
    const script = `const net=require("net");let ok=0,done=0;for(let i=0;i<30;i++){const s=net.connect({host:"${lab.addr.server}",port:${PORT}});
const fin=(c)=>{ok+=c;s.destroy();if(++done===30){console.log(JSON.stringify({ok}));process.exit(0)}};
s.on("connect",()=>fin(1));s.on("error",()=>fin(0));s.setTimeout(1500,()=>fin(0));}`;
    const r = JSON.parse((await lab.exec("client")([process.execPath, "-e", script])).stdout.trim()) as {
      ok: number;
    };
    expect(r.ok).toBeGreaterThan(0);
    expect(r.ok).toBeLessThan(30);
    await clearFaults(router());
    expect(await connectFromClient(3000)).toMatchObject({ ok: true });
  });

  it("rate-limit on new connections, 1/s burst 2: of 8 connects at once 2 or 3 are made within 0.5 s, the others' SYNs are dropped", async () => {
    await applyFaults(router(), [Fault.rateLimit(target(), 1, 2, true)]);
    // 0.5 s is less than the first SYN retransmission (1 s): each connect is one SYN, and the
    // bucket holds 2 tokens (burst) plus at most one refilled in that time.
    const script = `const net=require("net");let ok=0,done=0;for(let i=0;i<8;i++){const s=net.connect({host:"${lab.addr.server}",port:${PORT}});
const fin=(c)=>{ok+=c;s.destroy();if(++done===8){console.log(JSON.stringify({ok}));process.exit(0)}};
s.on("connect",()=>fin(1));s.on("error",()=>fin(0));s.setTimeout(500,()=>fin(0));}`;
    let r: { ok: number } | undefined;
    const seen = await captureAtClient("rate-limit", async () => {
      r = JSON.parse((await lab.exec("client")([process.execPath, "-e", script])).stdout.trim());
    });
    expect(r!.ok).toBeGreaterThanOrEqual(2);
    expect(r!.ok).toBeLessThanOrEqual(3);
    expect(seen.synSeqs.length).toBe(8);
    expect(seen.synAcks).toBe(r!.ok);
    // Dropped, not refused: no RST from the server's address, no ICMP.
    expect(seen.rsts.filter((x) => x.src === lab.addr.server).length + seen.icmp.length).toBe(0);
    // The rule's counter counts what it dropped: one SYN per connect not made.
    expect((await listRules(router())).rules[0]).toMatch(new RegExp(`counter packets ${8 - r!.ok} bytes`));
    await clearFaults(router());
  });

  it("clearing deletes only the fault table: listRules reads it back absent, the base table is still there", async () => {
    await applyFaults(router(), [Fault.drop(target()), Fault.rateLimit(target(), 5)]);
    const before = await listRules(router());
    expect(before.present).toBe(true);
    expect(before.ids).toEqual(["drop:f0", "rate-limit:f1"]);
    await clearFaults(router());
    expect(await listRules(router())).toMatchObject({ present: false, rules: [] });
    await clearFaults(router()); // idempotent
    const base = await router()(["nft", "list", "table", "inet", "backside_base"]);
    expect(base.exitCode).toBe(0);
  });

  it("netem: detected as it is on this kernel, and refused with ENVIRONMENT where missing", async () => {
    const support = await detectNetem(router(), "r1");
    if (support.available) return;
    expect(support.reason).toBeTruthy();
    await expect(applyNetem(router(), "r1", { delayMs: 100 }, support)).rejects.toMatchObject({
      code: "ENVIRONMENT",
    });
  });
});

/**
 * Benchmark for the bottom half of the diagnostic engine: capture reader + decoders + flow analysis.
 *
 *   npx tsx bench/engine-bench.ts [--packets N] [--keep]
 *
 * Generates a capture of at least N packets (default 1,000,000) with every kind of connection the
 * causes produce (healthy exchanges, silent drops with SYN retries, refusals, ICMP rejects, resets,
 * TLS alerts, DNS answers, NXDOMAIN and unanswered queries, unanswered ARP), then times
 * `analyzeCapture` in a child process (so peak RSS is the analysis alone) next to
 * `tcpdump -r F -nn` and `tshark -r F` on the same file (skipped when not installed).
 *
 * The table ends with the rows recorded before the flow analysis was made compact (same benchmark,
 * same 2-core machine, shared: compare with the load average printed beside each).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodePacket, newDecodedPacket } from "../harness/src/decode/packet.js";
import { analyzeCapture } from "../harness/src/flows/analyze.js";
import { readCapture } from "../harness/src/pcap/reader.js";
import { arpFrame, dnsMessage, icmpErrorFrame, ipPacketOf, tcpFrame, tlsAlert, tlsClientHello, udpFrame } from "../harness/src/pcap/testing/packets.js";
import { PcapWriter } from "../harness/src/pcap/writer.js";

const self = fileURLToPath(import.meta.url);

/** Measured at commit 9ae8f56 (before compact records and sweeping), load average 20 on 2 cores. */
const RECORDED_BEFORE: Array<[string, number, number]> = [
  ["before: reader+decode only", 587_771, 148],
  ["before: analyzeCapture", 20_145, 858],
];

async function analyzeOnly(file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const s = await analyzeCapture(file);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const states: Record<string, number> = {};
  for (const c of s.tcp) states[c.connState] = (states[c.connState] ?? 0) + 1;
  process.stdout.write(
    JSON.stringify({ packets: s.packets, seconds: secs, maxRssMB: process.resourceUsage().maxRSS / 1024, tcp: s.tcp.length, dns: s.dns.length, icmp: s.icmp.length, states, problems: s.problems.length }) + "\n",
  );
}

/** Reader + decoder only: shows the streaming reader's memory stays flat whatever the file size. */
async function readOnly(file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const dp = newDecodedPacket();
  let n = 0;
  await readCapture(file, (p) => {
    decodePacket(p.data, p.linkType, dp);
    n++;
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ packets: n, seconds: secs, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + "\n");
}

function generate(file: string, target: number): number {
  const w = new PcapWriter(file);
  let t = 1_700_000_000;
  let conn = 0;
  const put = (f: Uint8Array, dt = 0.0001) => {
    t += dt;
    w.write(t, f);
  };
  // Bounded by the packet target.
  while (w.count < target) {
    conn++;
    const client = `10.100.${1 + (conn % 4)}.${10 + (conn % 200)}`;
    const server = `10.100.2.${10 + (conn % 20)}`;
    const cport = 1024 + (conn % 60000);
    const kind = conn % 10;
    const seg = (fromClient: boolean, flags: string, seq: number, ack: number, payload?: Uint8Array | string) =>
      tcpFrame({
        src: fromClient ? client : server,
        dst: fromClient ? server : client,
        sport: fromClient ? cport : 443,
        dport: fromClient ? 443 : cport,
        flags,
        seq,
        ack,
        payload,
        ttl: fromClient ? 64 : 63,
      });
    if (kind <= 3) {
      // healthy request/response
      put(seg(true, "S", 100, 0));
      put(seg(false, "SA", 900, 101));
      put(seg(true, "A", 101, 901));
      put(seg(true, "PA", 101, 901, "GET / HTTP/1.1\r\nHost: backend\r\n\r\n"));
      put(seg(false, "PA", 901, 135, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 0.01);
      put(seg(true, "FA", 135, 941));
      put(seg(false, "FA", 941, 136));
      put(seg(true, "A", 136, 942));
    } else if (kind === 4) {
      for (const dt of [0, 1, 2, 4, 8]) put(seg(true, "S", 100, 0), dt);
    } else if (kind === 5) {
      put(seg(true, "S", 100, 0));
      put(seg(false, "RA", 0, 101));
    } else if (kind === 6) {
      const syn = seg(true, "S", 100, 0);
      put(syn);
      put(icmpErrorFrame({ src: "10.100.1.254", dst: client, type: 3, code: 13, quoted: ipPacketOf(syn) }));
    } else if (kind === 7) {
      put(seg(true, "S", 100, 0));
      put(seg(false, "SA", 900, 101));
      put(seg(true, "A", 101, 901));
      const ch = tlsClientHello("backend.example");
      put(seg(true, "PA", 101, 901, ch));
      put(seg(false, "PA", 901, 101 + ch.length, tlsAlert(2, 48)));
      put(seg(false, "FA", 908, 101 + ch.length));
      put(seg(true, "RA", 101 + ch.length, 909));
    } else if (kind === 8) {
      const id = conn & 0xffff;
      const q = dnsMessage({ id, questions: [{ name: `backend${conn % 50}.example`, type: 1 }] });
      put(udpFrame({ src: client, dst: "10.100.3.53", sport: cport, dport: 53, payload: q }));
      const rc = conn % 3 === 0 ? 3 : 0;
      const ans = rc === 0 ? [{ name: `backend${conn % 50}.example`, type: 1, ttl: 30, data: server }] : [];
      put(udpFrame({ src: "10.100.3.53", dst: client, sport: 53, dport: cport, payload: dnsMessage({ id, response: true, rcode: rc, questions: [{ name: `backend${conn % 50}.example`, type: 1 }], answers: ans }) }));
    } else {
      const q = dnsMessage({ id: conn & 0xffff, questions: [{ name: "gone.example", type: 28 }] });
      for (const dt of [0, 5, 5]) put(udpFrame({ src: client, dst: "10.100.3.54", sport: cport, dport: 53, payload: q }), dt);
      put(arpFrame({ op: "request", senderMac: "02:00:00:00:00:fe", senderIp: "10.100.2.254", targetIp: `10.100.2.${100 + (conn % 50)}` }));
    }
  }
  w.close();
  return w.count;
}

function timeTool(cmd: string, args: string[]): { seconds: number; maxRssMB: number | null } | null {
  const which = spawnSync("sh", ["-c", `command -v ${cmd}`]);
  if (which.status !== 0) return null;
  const hasTime = spawnSync("sh", ["-c", "command -v /usr/bin/time"]).status === 0;
  const t0 = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = r.stderr.toString().trim().split("\n");
  const kb = hasTime ? Number(lines[lines.length - 1]) : NaN;
  return { seconds, maxRssMB: Number.isFinite(kb) ? kb / 1024 : null };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--analyze") return analyzeOnly(args[1]);
  if (args[0] === "--read") return readOnly(args[1]);
  const pi = args.indexOf("--packets");
  const target = pi >= 0 ? Number(args[pi + 1]) : 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), "backside-bench-"));
  const file = path.join(dir, "bench.pcap");
  const g0 = Date.now();
  const count = generate(file, target);
  const size = statSync(file).size;
  console.log(`generated ${count.toLocaleString()} packets, ${(size / 1e6).toFixed(1)} MB in ${((Date.now() - g0) / 1000).toFixed(1)} s: ${file}`);

  const child = (mode: string) => {
    const c = spawnSync(process.execPath, ["--import", "tsx", self, mode, file], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (c.status !== 0) throw new Error(`${mode} child failed: ${c.stderr}`);
    return JSON.parse(c.stdout.trim().split("\n").pop() ?? "{}");
  };
  const reader = child("--read");
  const ours = child("--analyze");
  const rows: string[][] = [["tool", "seconds", "packets/s", "peak RSS MB"]];
  rows.push(["backside reader+decode only", reader.seconds.toFixed(2), Math.round(reader.packets / reader.seconds).toLocaleString(), reader.maxRssMB.toFixed(0)]);
  rows.push(["backside analyzeCapture", ours.seconds.toFixed(2), Math.round(ours.packets / ours.seconds).toLocaleString(), ours.maxRssMB.toFixed(0)]);
  for (const [name, cmd, a] of [
    ["tcpdump -r F -nn", "tcpdump", ["-r", file, "-nn"]],
    ["tshark -r F", "tshark", ["-r", file]],
  ] as const) {
    const r = timeTool(cmd, [...a]);
    if (!r) rows.push([name, "not installed", "-", "-"]);
    else rows.push([name, r.seconds.toFixed(2), Math.round(count / r.seconds).toLocaleString(), r.maxRssMB === null ? "?" : r.maxRssMB.toFixed(0)]);
  }
  for (const [name, pps, rss] of RECORDED_BEFORE) rows.push([name, (count / pps).toFixed(2), pps.toLocaleString(), String(rss)]);
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join("  "));
  console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  console.log(`flows: ${ours.tcp} tcp, ${ours.dns} dns, ${ours.icmp} icmp errors; states ${JSON.stringify(ours.states)}; problems ${ours.problems}`);
  if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});

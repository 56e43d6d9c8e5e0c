/**
 * The engine at capture scale, end to end, beside the tools people compare it with:
 *
 *   npx tsx bench/engine-bench.ts [--sizes 1000000,4000000] [--shapes short,long,mixed,healthy,dns] [--keep]
 *
 * For each shape and size it writes one capture, then runs on the same file, one after another:
 *   - `backside diagnose --pcap F --format json` (the compiled CLI, as a user runs it),
 *   - `tshark -r F -q -z conv,tcp` and `tcpdump -r F -w /dev/null` (skipped when not installed),
 * and prints wall and CPU seconds, packets per second, peak RSS and the ratio of ours to each.
 *
 * Shapes:
 *   short  ../shared/bench/gen_pcap.py: 10,000 reused 5-tuples, about 170,000 short connections per
 *          million packets (the shape the engine's targets are stated for);
 *   long   a few hundred connections of 10,000 packets each (one per 10,000 packets);
 *   healthy short connections, every one served (125,000 per million packets);
 *   mixed  every kind of connection the causes produce (healthy, silent drops, refusals, ICMP
 *          rejects, TLS alerts, DNS answers and NXDOMAIN, unanswered queries and ARP);
 *   dns    a resolver-heavy gateway: 400 names asked of two resolvers, mostly answered, some
 *          NXDOMAIN and SERVFAIL, some never answered (retried), some answered after the gateway
 *          gave up (its ICMP port unreachable follows), and a little TCP to a backend.
 * Ends with how growing the file from the smallest to the largest size grew time and memory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  arpFrame,
  dnsMessage,
  icmpErrorFrame,
  ipPacketOf,
  tcpFrame,
  tlsAlert,
  tlsClientHello,
  udpFrame,
} from "../harness/src/pcap/testing/packets.js";
import { PcapWriter } from "../harness/src/pcap/writer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const GEN_PCAP = path.resolve(ROOT, "../shared/bench/gen_pcap.py");
const CLI = path.join(ROOT, "harness/bin/backside.js");

interface Timing {
  wall: number;
  cpu: number;
  rssMB: number;
  ok: boolean;
}

/** One command under /usr/bin/time: wall, user+system CPU and peak RSS. */
function timed(cmd: string, args: string[]): Timing | null {
  if (spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0) return null;
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", cmd, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 1 << 26,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const last = r.stderr.toString().trim().split("\n").pop() ?? "";
  const [u, s, kb] = last.split(" ").map(Number);
  return { wall, cpu: u + s, rssMB: kb / 1024, ok: r.status === 0 };
}

/** A connection's frames: from the client or the server, with the given flags and numbers. */
function segments(client: string, server: string, cport: number, port: number) {
  return (fromClient: boolean, flags: string, seq: number, ack: number, payload?: Uint8Array | string) =>
    tcpFrame({
      src: fromClient ? client : server,
      dst: fromClient ? server : client,
      sport: fromClient ? cport : port,
      dport: fromClient ? port : cport,
      flags,
      seq,
      ack,
      payload,
      ttl: fromClient ? 64 : 63,
    });
}

/** The long shape: `packets / 10,000` connections, each a handshake, 10,000 exchanges and a close. */
function writeLong(file: string, packets: number): number {
  const w = new PcapWriter(file);
  const PER_CONN = 10_000;
  let t = 1_700_000_000;
  const body = Buffer.alloc(100, 0x61);
  for (let conn = 0; w.count < packets; conn++) {
    const client = `10.20.${1 + (conn >> 8)}.${conn & 0xff}`;
    const server = "10.30.0.10";
    const cport = 20_000 + conn;
    const seg = segments(client, server, cport, 8443);
    const put = (f: Uint8Array) => w.write((t += 0.00001), f);
    put(seg(true, "S", 1000, 0));
    put(seg(false, "SA", 5000, 1001));
    put(seg(true, "A", 1001, 5001));
    // Frames of one connection differ only in sequence numbers: patch them into two templates.
    const req = seg(true, "PA", 1001, 5001, body);
    const ack = seg(false, "A", 5001, 1101);
    const tcpOff = 14 + 20;
    let seq = 1001;
    for (let i = 0; i < (PER_CONN - 6) / 2 && w.count < packets; i++) {
      req.writeUInt32BE(seq >>> 0, tcpOff + 4);
      put(req);
      seq += body.length;
      ack.writeUInt32BE(seq >>> 0, tcpOff + 8);
      put(ack);
    }
    put(seg(true, "FA", seq, 5001));
    put(seg(false, "FA", 5001, seq + 1));
    put(seg(true, "A", seq + 1, 5002));
  }
  w.close();
  return w.count;
}

/** The mixed shape: one connection of each kind in turn. */
function writeMixed(file: string, packets: number): number {
  const w = new PcapWriter(file);
  let t = 1_700_000_000;
  const put = (f: Uint8Array, dt = 0.0001) => w.write((t += dt), f);
  for (let conn = 1; w.count < packets; conn++) {
    const client = `10.100.${1 + (conn % 4)}.${10 + (conn % 200)}`;
    const server = `10.100.2.${10 + (conn % 20)}`;
    const cport = 1024 + (conn % 60000);
    const seg = segments(client, server, cport, 443);
    const kind = conn % 10;
    if (kind <= 3) {
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
      const name = `backend${conn % 50}.example`;
      put(
        udpFrame({
          src: client,
          dst: "10.100.3.53",
          sport: cport,
          dport: 53,
          payload: dnsMessage({ id, questions: [{ name, type: 1 }] }),
        }),
      );
      const rcode = conn % 3 === 0 ? 3 : 0;
      const answers = rcode === 0 ? [{ name, type: 1, ttl: 30, data: server }] : [];
      const payload = dnsMessage({ id, response: true, rcode, questions: [{ name, type: 1 }], answers });
      put(udpFrame({ src: "10.100.3.53", dst: client, sport: 53, dport: cport, payload }));
    } else {
      const q = dnsMessage({ id: conn & 0xffff, questions: [{ name: "gone.example", type: 28 }] });
      for (const dt of [0, 5, 5])
        put(udpFrame({ src: client, dst: "10.100.3.54", sport: cport, dport: 53, payload: q }), dt);
      const targetIp = `10.100.2.${100 + (conn % 50)}`;
      put(arpFrame({ op: "request", senderMac: "02:00:00:00:00:fe", senderIp: "10.100.2.254", targetIp }));
    }
  }
  w.close();
  return w.count;
}

/** The dns shape: see the header. Two packets per transaction in the common case. */
function writeDns(file: string, packets: number): number {
  const w = new PcapWriter(file);
  let t = 1_700_000_000;
  const gw = "10.60.0.2";
  const resolvers = ["10.60.1.53", "10.60.1.54"];
  // Frames due later, per delay (each queue is in time order since `t` only grows).
  const later = new Map<number, { ts: number; frame: Uint8Array }[]>();
  const due = (delay: number, frame: Uint8Array) => {
    let q = later.get(delay);
    if (!q) later.set(delay, (q = []));
    q.push({ ts: t + delay, frame });
  };
  // Written in time order: the frames due by then first.
  const put = (ts: number, frame: Uint8Array) => {
    for (;;) {
      let best: { ts: number; frame: Uint8Array }[] | null = null;
      for (const q of later.values())
        if (q.length && q[0].ts <= ts && (!best || q[0].ts < best[0].ts)) best = q;
      if (!best) break;
      const f = best.shift()!;
      w.write(f.ts, f.frame);
    }
    w.write(ts, frame);
  };
  const udp = (src: string, dst: string, sport: number, dport: number, payload: Uint8Array) =>
    udpFrame({ src, dst, sport, dport, payload });
  for (let i = 0; w.count < packets; i++) {
    t += 0.0005;
    const name = `svc${i % 400}.corp.example`;
    const resolver = resolvers[i % 2];
    const cport = 10_000 + ((i * 7919) % 50_000);
    const id = (i * 40503) & 0xffff;
    // A caching resolver: one address per name and family, its TTL counting down.
    const ttl = 300 - ((i >> 4) % 300);
    const q = dnsMessage({ id, questions: [{ name, type: i % 5 === 0 ? 28 : 1 }] });
    const query = udp(gw, resolver, cport, 53, q);
    const answer = (rcode: number) =>
      udp(
        resolver,
        gw,
        53,
        cport,
        dnsMessage({
          id,
          response: true,
          ra: true,
          rcode,
          questions: [{ name, type: i % 5 === 0 ? 28 : 1 }],
          answers:
            rcode === 0
              ? [
                  i % 5 === 0
                    ? { name, type: 28, ttl, data: `fd00::${(i % 400).toString(16)}` }
                    : { name, type: 1, ttl, data: `10.70.${(i % 400) >> 8}.${(i % 400) & 0xff}` },
                ]
              : [],
        }),
      );
    const kind = i % 100;
    put(t, query);
    if (kind < 84) put((t += 0.0002), answer(0));
    else if (kind < 90) put((t += 0.0003), answer(3));
    else if (kind < 93) put((t += 0.002), answer(2));
    else if (kind < 96) {
      // Never answered: the same query again after 1 s and 3 s.
      due(1, query);
      due(3, query);
    } else if (kind < 98) {
      // Answered after the gateway gave up: its socket is closed, so ICMP port unreachable.
      const late = answer(0);
      due(6, late);
      due(6.0001, icmpErrorFrame({ src: gw, dst: resolver, type: 3, code: 3, quoted: ipPacketOf(late) }));
    } else {
      // A little TCP: a connection to the backend the name led to.
      put((t += 0.0002), answer(0));
      const seg = segments(gw, `10.70.0.${i % 256}`, 30_000 + (i % 20_000), 443);
      put((t += 0.0001), seg(true, "S", 100, 0));
      put((t += 0.0001), seg(false, "SA", 900, 101));
      put((t += 0.0001), seg(true, "A", 101, 901));
      put((t += 0.0001), seg(true, "FA", 101, 901));
      put((t += 0.0001), seg(false, "FA", 901, 102));
      put((t += 0.0001), seg(true, "A", 102, 902));
    }
  }
  const rest = [...later.values()].flat().sort((a, b) => a.ts - b.ts);
  for (const f of rest) w.write(f.ts, f.frame);
  w.close();
  return w.count;
}

/**
 * The healthy shape: short connections that are all served (8 packets each, 125,000 per million
 * packets), so the rules that read every answered exchange see them all.
 */
function writeHealthy(file: string, packets: number): number {
  const w = new PcapWriter(file);
  let t = 1_700_000_000;
  const put = (f: Uint8Array) => w.write((t += 0.00002), f);
  const req = "GET / HTTP/1.1\r\nHost: backend\r\n\r\n";
  const resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  for (let conn = 0; w.count < packets; conn++) {
    const client = `10.40.${1 + ((conn >> 8) % 200)}.${1 + ((conn & 0xff) % 250)}`;
    const seg = segments(client, "10.50.0.10", 20_000 + (((conn / 50_000) | 0) % 40_000), 80);
    const a = 1000 + req.length;
    const b = 5000 + resp.length;
    put(seg(true, "S", 999, 0));
    put(seg(false, "SA", 4999, 1000));
    put(seg(true, "A", 1000, 5000));
    put(seg(true, "PA", 1000, 5000, req));
    put(seg(false, "PA", 5000, a, resp));
    put(seg(true, "FA", a, b));
    put(seg(false, "FA", b, a + 1));
    put(seg(true, "A", a + 1, b + 1));
  }
  w.close();
  return w.count;
}

function writeShort(file: string, packets: number): number | null {
  if (!existsSync(GEN_PCAP)) return null;
  const r = spawnSync("python3", [GEN_PCAP, String(packets), file], { stdio: "inherit" });
  return r.status === 0 ? packets : null;
}

const SHAPES: Record<string, (file: string, packets: number) => number | null> = {
  short: writeShort,
  long: writeLong,
  mixed: writeMixed,
  healthy: writeHealthy,
  dns: writeDns,
};

interface Row {
  shape: string;
  packets: number;
  ours: Timing;
  tshark: Timing | null;
  tcpdump: Timing | null;
}

const fmt = (t: Timing | null, packets: number) =>
  t
    ? [t.wall.toFixed(2), t.cpu.toFixed(2), Math.round(packets / t.wall).toLocaleString(), t.rssMB.toFixed(0)]
    : ["-", "-", "-", "-"];

function printTable(rows: string[][]): void {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join("  "));
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
  };
  const sizes = opt("--sizes", "1000000,4000000").split(",").map(Number);
  const shapes = opt("--shapes", "short,long").split(",");
  // The compiled CLI, as installed: a stale build would measure the TypeScript loader instead.
  if (spawnSync(process.execPath, [path.join(ROOT, "scripts/build.mjs")], { stdio: "inherit" }).status !== 0)
    throw new Error("npm run build failed");
  const dir = mkdtempSync(path.join(tmpdir(), "backside-engine-bench-"));
  const results: Row[] = [];
  for (const shape of shapes) {
    const write = SHAPES[shape];
    if (!write) throw new Error(`unknown shape ${shape}: one of ${Object.keys(SHAPES).join(", ")}`);
    for (const size of sizes) {
      const file = path.join(dir, `${shape}-${size}.pcap`);
      const packets = write(file, size);
      if (packets === null) {
        console.log(`${shape}: ${GEN_PCAP} is missing; shape skipped`);
        break;
      }
      console.log(
        `${shape} ${packets.toLocaleString()} packets, ${(statSync(file).size / 1e6).toFixed(0)} MB`,
      );
      const ours = timed(process.execPath, [CLI, "diagnose", "--pcap", file, "--format", "json"])!;
      const tshark = timed("tshark", ["-r", file, "-q", "-z", "conv,tcp"]);
      const tcpdump = timed("tcpdump", ["-r", file, "-w", "/dev/null"]);
      results.push({ shape, packets, ours, tshark, tcpdump });
      if (!args.includes("--keep")) rmSync(file, { force: true });
    }
  }
  const head = ["shape", "packets", "tool", "wall s", "cpu s", "packets/s", "peak RSS MB", "ours faster by"];
  const rows: string[][] = [head];
  for (const r of results) {
    const n = r.packets.toLocaleString();
    rows.push([r.shape, n, "backside diagnose", ...fmt(r.ours, r.packets), r.ours.ok ? "" : "FAILED"]);
    for (const [name, t] of [
      ["tshark -q -z conv,tcp", r.tshark],
      ["tcpdump -w /dev/null", r.tcpdump],
    ] as const)
      rows.push([
        r.shape,
        n,
        name,
        ...fmt(t, r.packets),
        t ? `${(t.wall / r.ours.wall).toFixed(2)}x` : "not installed",
      ]);
  }
  printTable(rows);
  for (const shape of shapes) {
    const rs = results.filter((r) => r.shape === shape).sort((a, b) => a.packets - b.packets);
    if (rs.length < 2) continue;
    const [a, b] = [rs[0], rs[rs.length - 1]];
    console.log(
      `${shape}: ${(b.packets / a.packets).toFixed(1)}x the packets took ${(b.ours.wall / a.ours.wall).toFixed(2)}x the wall time, ${(b.ours.cpu / a.ours.cpu).toFixed(2)}x the CPU (what a loaded machine stretches least) and ${(b.ours.rssMB / a.ours.rssMB).toFixed(2)}x the peak memory`,
    );
  }
  console.log(
    `load average after the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${cpus().length} cores`,
  );
  if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`captures kept in ${dir}`);
}

main();

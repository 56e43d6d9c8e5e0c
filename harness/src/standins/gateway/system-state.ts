/**
 * The live network state for the error report: interfaces and routes from `ip -j` (iproute2
 * is in the image), with /proc/net/dev and /proc/net/route as the fallback, the `ip` text for
 * NetworkInfo, and the TCP table from /proc/net/tcp{,6}. Every command is bounded by a timeout;
 * a failure yields less state plus a note, never an exception.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { InterfaceStatus, Route, TcpEntry } from "../../appliance/types.js";

const CMD_TIMEOUT_MS = 3000;

function run(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: CMD_TIMEOUT_MS, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) =>
      resolve(err ? undefined : stdout),
    );
  });
}

interface IpAddrJson {
  ifname: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
  stats64?: {
    rx?: { packets?: number; errors?: number; dropped?: number };
    tx?: { packets?: number; errors?: number; dropped?: number };
  };
}

export function interfacesFromIpJson(json: string): InterfaceStatus[] {
  const arr = JSON.parse(json) as IpAddrJson[];
  return arr.map((i) => ({
    name: i.ifname,
    adminStatus: i.flags?.includes("UP") ? "up" : "down",
    operStatus: (i.operstate ?? "unknown").toLowerCase(),
    ...(i.address ? { mac: i.address } : {}),
    ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
    addresses: (i.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
    ...(i.stats64
      ? {
          rxPackets: i.stats64.rx?.packets ?? 0,
          txPackets: i.stats64.tx?.packets ?? 0,
          rxErrors: i.stats64.rx?.errors ?? 0,
          txErrors: i.stats64.tx?.errors ?? 0,
          rxDrops: i.stats64.rx?.dropped ?? 0,
          txDrops: i.stats64.tx?.dropped ?? 0,
        }
      : {}),
  }));
}

export function routesFromIpJson(json: string, family: "inet" | "inet6"): Route[] {
  const arr = JSON.parse(json) as {
    dst: string;
    gateway?: string;
    dev?: string;
    metric?: number;
    prefsrc?: string;
    type?: string;
  }[];
  return arr
    .filter((r) => !r.type || r.type === "unicast")
    .map((r) => ({
      destination: r.dst,
      family,
      ...(r.gateway ? { gateway: r.gateway } : {}),
      ...(r.dev ? { interface: r.dev } : {}),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
      ...(r.prefsrc ? { source: r.prefsrc } : {}),
    }));
}

function hexIPv4(h: string): string {
  // /proc/net/* store IPv4 addresses as host-order (little-endian on our machines) hex words.
  const n = parseInt(h, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join(".");
}

function hexIPv6(h: string): string {
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8) {
    const w = h
      .slice(i, i + 8)
      .match(/../g)!
      .reverse()
      .join("");
    words.push(w.slice(0, 4), w.slice(4));
  }
  const v4mapped = words.slice(0, 5).every((w) => w === "0000") && words[5].toLowerCase() === "ffff";
  if (v4mapped) return hexIPv4(h.slice(24));
  // The WHATWG URL serializer compresses IPv6 the RFC 5952 way.
  return new URL(`http://[${words.join(":")}]/`).hostname.slice(1, -1);
}

const TCP_STATES: Record<string, string> = {
  "01": "established",
  "02": "syn_sent",
  "03": "syn_recv",
  "04": "fin_wait1",
  "05": "fin_wait2",
  "06": "time_wait",
  "07": "close",
  "08": "close_wait",
  "09": "last_ack",
  "0A": "listen",
  "0B": "closing",
  "0C": "new_syn_recv",
};

/** Rows of /proc/net/tcp or tcp6; a malformed row is skipped. */
export function parseProcNetTcp(text: string, v6: boolean): TcpEntry[] {
  const out: TcpEntry[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const [la, lp] = f[1].split(":");
    const [ra, rp] = f[2].split(":");
    if (!la || !lp || !ra || !rp) continue;
    out.push({
      localIP: v6 ? hexIPv6(la) : hexIPv4(la),
      localPort: parseInt(lp, 16),
      remoteIP: v6 ? hexIPv6(ra) : hexIPv4(ra),
      remotePort: parseInt(rp, 16),
      state: TCP_STATES[f[3].toUpperCase()] ?? `0x${f[3]}`,
    });
  }
  return out;
}

export async function readTcpTable(): Promise<TcpEntry[]> {
  const [t4, t6] = await Promise.all([
    readFile("/proc/net/tcp", "utf8").catch(() => ""),
    readFile("/proc/net/tcp6", "utf8").catch(() => ""),
  ]);
  return [...parseProcNetTcp(t4, false), ...parseProcNetTcp(t6, true)];
}

export async function readNetwork(): Promise<{
  interfaces: InterfaceStatus[];
  routes: Route[];
  networkInfo: string;
  notes: string[];
}> {
  const notes: string[] = [];
  const [addrJ, r4J, r6J, addrT, r4T, r6T] = await Promise.all([
    run("ip", ["-j", "-s", "addr"]),
    run("ip", ["-j", "-4", "route"]),
    run("ip", ["-j", "-6", "route"]),
    run("ip", ["addr"]),
    run("ip", ["-4", "route"]),
    run("ip", ["-6", "route"]),
  ]);
  let interfaces: InterfaceStatus[] = [];
  let routes: Route[] = [];
  try {
    if (addrJ) interfaces = interfacesFromIpJson(addrJ);
    else notes.push("ip -j addr failed; interfaces from /proc/net/dev");
  } catch {
    notes.push("ip -j addr output unreadable");
  }
  if (interfaces.length === 0) {
    const dev = await readFile("/proc/net/dev", "utf8").catch(() => "");
    for (const line of dev.split("\n").slice(2)) {
      const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      const n = m[2].trim().split(/\s+/).map(Number);
      interfaces.push({
        name: m[1],
        adminStatus: "unknown",
        operStatus: "unknown",
        addresses: [],
        rxPackets: n[1],
        rxErrors: n[2],
        rxDrops: n[3],
        txPackets: n[9],
        txErrors: n[10],
        txDrops: n[11],
      });
    }
  }
  try {
    if (r4J) routes.push(...routesFromIpJson(r4J, "inet"));
    if (r6J) routes.push(...routesFromIpJson(r6J, "inet6"));
  } catch {
    notes.push("ip -j route output unreadable");
  }
  if (!r4J) {
    notes.push("ip -j route failed; IPv4 routes from /proc/net/route");
    const rt = await readFile("/proc/net/route", "utf8").catch(() => "");
    for (const line of rt.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 8) continue;
      const dst = hexIPv4(f[1]);
      const mask = parseInt(f[7], 16);
      const bits = mask.toString(2).replace(/0/g, "").length;
      const gw = hexIPv4(f[2]);
      routes.push({
        destination: bits === 0 ? "default" : `${dst}/${bits}`,
        family: "inet",
        interface: f[0],
        metric: Number(f[6]),
        ...(gw !== "0.0.0.0" ? { gateway: gw } : {}),
      });
    }
  }
  const networkInfo = [
    `# ip addr`,
    addrT ?? "(failed)",
    `# ip -4 route`,
    r4T ?? "(failed)",
    `# ip -6 route`,
    r6T ?? "(failed)",
    ...notes.map((n) => `# note: ${n}`),
  ].join("\n");
  return { interfaces, routes, networkInfo, notes };
}

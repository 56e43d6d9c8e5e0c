/**
 * The appliance's Troubleshooting tools that the management API did not have yet (DOMAIN.md §6):
 * Ping Remote (6 echoes 1 s apart), a name lookup asked of the configured name servers (not the
 * cache, like nslookup), and the ARP table. Each is bounded: a tool that cannot finish in time
 * says so in its result, never hangs the API.
 */
import { execFile } from "node:child_process";
import { isIP } from "node:net";
import type { DnsConfig } from "../../appliance/types.js";
import { addressesFromAnswer, buildQuery, newQueryId, udpExchange } from "./dns-transport.js";

export interface PingResult {
  host: string;
  address?: string;
  transmitted: number;
  received: number;
  /** ping's own output, line by line (`64 bytes from ...`, `From ... Destination Host Unreachable`). */
  lines: string[];
  error?: string;
}

export interface LookupResult {
  name: string;
  server?: string;
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ..., or TIMEOUT / ERROR when no answer came. */
  status: string;
  addresses: string[];
  ttl?: number;
  ms: number;
}

export interface ArpEntry {
  address: string;
  mac?: string;
  interface?: string;
  state: string;
}

const RCODE_NAMES: Record<number, string> = {
  0: "NOERROR",
  1: "FORMERR",
  2: "SERVFAIL",
  3: "NXDOMAIN",
  4: "NOTIMP",
  5: "REFUSED",
};

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    // A non-zero exit (ping with losses) still has useful output: keep it.
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (_err, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
  });
}

export async function ping(host: string, address: string, count: number): Promise<PingResult> {
  if (!isIP(address))
    return { host, transmitted: 0, received: 0, lines: [], error: `not an address: ${address}` };
  const n = Math.max(1, Math.min(6, Math.round(count)));
  // -W 1: wait at most 1 s for the last echo; the whole run is bounded by count + 3 s.
  const out = await run("ping", ["-n", "-c", String(n), "-i", "1", "-W", "1", address], (n + 3) * 1000);
  const lines = out.split("\n").filter((l) => /bytes from|From |Unreachable|unreachable/.test(l));
  const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
  return {
    host,
    address,
    transmitted: m ? Number(m[1]) : n,
    received: m ? Number(m[2]) : 0,
    lines,
    ...(m ? {} : { error: out.trim().split("\n").pop() ?? "ping failed" }),
  };
}

/** Asks each configured name server in turn for the A record, until one answers. */
export async function lookupName(name: string, dns: DnsConfig): Promise<LookupResult> {
  const t0 = Date.now();
  if (!dns.servers.length) return { name, status: "NOT_CONFIGURED", addresses: [], ms: 0 };
  let last: LookupResult = { name, status: "TIMEOUT", addresses: [], ms: 0 };
  const timeoutMs = Math.round(Math.min(dns.timeoutSeconds, 5) * 1000);
  for (const s of dns.servers) {
    const id = newQueryId();
    const r = await udpExchange(s.address, s.udpPort, buildQuery(name, "A", id), id, name, timeoutMs);
    if (r.kind === "reply") {
      const a = r.reply.rcode === 0 ? addressesFromAnswer(r.reply.packet, name, "A") : undefined;
      return {
        name,
        server: s.address,
        status: RCODE_NAMES[r.reply.rcode] ?? `RCODE${r.reply.rcode}`,
        addresses: a?.addresses ?? [],
        ...(a?.addresses.length ? { ttl: a.ttl } : {}),
        ms: Date.now() - t0,
      };
    }
    last = {
      name,
      server: s.address,
      status: r.kind === "timeout" ? "TIMEOUT" : `ERROR ${r.errno}`,
      addresses: [],
      ms: Date.now() - t0,
    };
  }
  return last;
}

export async function readArp(): Promise<ArpEntry[]> {
  const out = await run("ip", ["-j", "-4", "neigh"], 3000);
  try {
    const arr = JSON.parse(out) as { dst: string; dev?: string; lladdr?: string; state?: string[] }[];
    return arr.map((e) => ({
      address: e.dst,
      ...(e.lladdr ? { mac: e.lladdr } : {}),
      ...(e.dev ? { interface: e.dev } : {}),
      state: (e.state ?? ["unknown"]).join(",").toLowerCase(),
    }));
  } catch {
    return [];
  }
}

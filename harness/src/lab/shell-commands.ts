/**
 * The lab shell's commands (DOMAIN.md §6 names), each a management API call on the live gateway
 * and a formatter from shell-output.ts. Every command has a time bound; the firewall's and the
 * backend's configuration are out of reach by construction (only the gateway is asked).
 */
import { BacksideError } from "../errors.js";
import { LOG_LEVELS } from "../appliance/types.js";
import type { DnsCacheEntry, TcpEntry } from "../appliance/types.js";
import type { GatewayMgmt } from "./gateway-mgmt.js";
import * as out from "./shell-output.js";

export interface ShellIo {
  mgmt: GatewayMgmt;
  /** Writes a file the learner fetched (a capture, an error report); returns where it went. */
  save(suggested: string, data: Buffer | string): string;
}

export interface ShellCommand {
  words: string[];
  usage: string;
  help: string;
  /** Seconds the command may take, from its arguments. */
  limit(args: string[]): number;
  run(args: string[], io: ShellIo): Promise<string>;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, "-");

function intArg(v: string | undefined, what: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BacksideError("USAGE", `${what} must be ${min}-${max}`);
  return n;
}

function need(args: string[], n: number, usage: string): void {
  if (args.length < n || args.length > n + 1) throw new BacksideError("USAGE", `usage: ${usage}`);
}

export const COMMANDS: ShellCommand[] = [
  {
    words: ["show", "dns-cache"],
    usage: "show dns-cache",
    help: "cached names, their addresses and TTL left",
    limit: () => 15,
    run: async (_a, io) =>
      out.showDnsCache((await io.mgmt.json<{ entries: DnsCacheEntry[] }>("GET", "/mgmt/dns-cache")).entries),
  },
  {
    words: ["show", "dns"],
    usage: "show dns",
    help: "DNS settings and name-server status",
    limit: () => 15,
    run: async (_a, io) => out.showDns(await io.mgmt.json("GET", "/mgmt/dns")),
  },
  {
    words: ["clear", "dns-cache"],
    usage: "clear dns-cache",
    help: "flush the DNS cache",
    limit: () => 15,
    run: async (_a, io) =>
      `DNS cache cleared (${(await io.mgmt.json<{ flushed: number }>("DELETE", "/mgmt/dns-cache")).flushed} entries)`,
  },
  {
    words: ["show", "route"],
    usage: "show route",
    help: "the routing table",
    limit: () => 15,
    run: async (_a, io) => out.showRoute((await io.mgmt.json<{ routes: [] }>("GET", "/mgmt/routes")).routes),
  },
  {
    words: ["show", "netarp"],
    usage: "show netarp",
    help: "the ARP table",
    limit: () => 15,
    run: async (_a, io) => out.showNetarp((await io.mgmt.json<{ entries: [] }>("GET", "/mgmt/arp")).entries),
  },
  {
    words: ["show", "tcp"],
    usage: "show tcp",
    help: "the TCP table: local and remote address and port, state",
    limit: () => 15,
    run: async (_a, io) =>
      out.showTcp((await io.mgmt.json<{ entries: TcpEntry[] }>("GET", "/mgmt/tcp-table")).entries),
  },
  {
    words: ["show", "log"],
    usage: "show log [N]",
    help: "the last N log lines (default 20)",
    limit: () => 15,
    run: async (a, io) => {
      const n = intArg(a[0], "N", 1, 1000, 20);
      const lines = (await io.mgmt.text("/mgmt/log")).split("\n").filter(Boolean);
      return lines.slice(-n).join("\n") || "(the log is empty)";
    },
  },
  {
    words: ["loglevel"],
    usage: `loglevel LEVEL (${LOG_LEVELS.join(" ")})`,
    help: "set the log level (debug shows DNS and connect detail)",
    limit: () => 15,
    run: async (a, io) => {
      need(a, 1, `loglevel LEVEL`);
      const level = a[0].toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level))
        throw new BacksideError("USAGE", `loglevel: one of ${LOG_LEVELS.join(", ")}`);
      return `Log level set to ${(await io.mgmt.json<{ level: string }>("PUT", "/mgmt/log-level", { level })).level}`;
    },
  },
  {
    words: ["test", "tcp-connection"],
    usage: "test tcp-connection HOST PORT [TIMEOUT]",
    help: "open a TCP connection from the gateway (timeout in seconds, default 5)",
    limit: (a) => intArg(a[2], "TIMEOUT", 1, 60, 5) + 15,
    run: async (a, io) => {
      if (a.length < 2 || a.length > 3)
        throw new BacksideError("USAGE", "usage: test tcp-connection HOST PORT [TIMEOUT]");
      const port = intArg(a[1], "PORT", 1, 65535, 0);
      const timeoutSeconds = intArg(a[2], "TIMEOUT", 1, 60, 5);
      const r = await io.mgmt.json<out.ConnTest>(
        "POST",
        "/mgmt/tcp-connection-test",
        { host: a[0], port, timeoutSeconds },
        timeoutSeconds + 10,
      );
      return out.testTcpConnection(r);
    },
  },
  {
    words: ["ping"],
    usage: "ping HOST",
    help: "6 echoes, 1 s apart",
    limit: () => 30,
    run: async (a, io) => {
      need(a, 1, "ping HOST");
      return out.pingText(await io.mgmt.json("POST", "/mgmt/ping", { host: a[0], count: 6 }, 20));
    },
  },
  {
    words: ["nslookup"],
    usage: "nslookup NAME",
    help: "ask the configured name servers (not the cache)",
    limit: () => 40,
    run: async (a, io) => {
      need(a, 1, "nslookup NAME");
      return out.nslookupText(await io.mgmt.json("POST", "/mgmt/nslookup", { name: a[0] }, 30));
    },
  },
  {
    words: ["packet-capture"],
    usage: "packet-capture start|stop|status|get",
    help: "start [INTERFACE] [SECONDS] (all, 120 s), stop, get [FILE] saves the pcap here",
    limit: () => 45,
    run: (a, io) => packetCapture(a, io),
  },
  {
    words: ["error-report"],
    usage: "error-report [FILE]",
    help: "save an error report of the gateway's state here",
    limit: () => 45,
    run: async (a, io) => {
      await io.mgmt.json("POST", "/mgmt/error-report", undefined, 30);
      const text = await io.mgmt.text("/mgmt/error-report", 30);
      return `Error report saved to ${io.save(a[0] ?? `error-report-${stamp()}.txt`, text)} (${Buffer.byteLength(text)} bytes)`;
    },
  },
  {
    words: ["send", "request"],
    usage: "send request",
    help: "one request from the client through the gateway",
    limit: () => 45,
    run: async (_a, io) => out.sendRequestText(await io.mgmt.sendRequest(30)),
  },
];

async function packetCapture(a: string[], io: ShellIo): Promise<string> {
  const [sub, ...rest] = a;
  type Status = { running: boolean; interface?: string; bytes: number; stopReason?: string; file?: string };
  if (sub === "start") {
    const iface = rest[0] ?? "any";
    if (!/^[a-z0-9.-]{1,15}$/i.test(iface))
      throw new BacksideError("USAGE", "packet-capture: bad interface name");
    const seconds = intArg(rest[1], "SECONDS", 5, 600, 120);
    const s = await io.mgmt.json<Status>("POST", "/mgmt/capture", {
      interface: iface,
      durationSeconds: seconds,
    });
    return `Packet capture started on ${s.interface ?? iface} (stops by itself after ${seconds} s)`;
  }
  if (sub === "stop") {
    const s = await io.mgmt.json<Status>("POST", "/mgmt/capture/stop", undefined, 20);
    return `Packet capture stopped: ${s.bytes} bytes${s.stopReason ? ` (${s.stopReason})` : ""}`;
  }
  if (sub === "status" || sub === undefined) {
    const s = await io.mgmt.json<Status>("GET", "/mgmt/capture");
    return s.running
      ? `Packet capture running on ${s.interface}: ${s.bytes} bytes so far`
      : s.file
        ? `No capture running; the last one has ${s.bytes} bytes`
        : "No capture made yet";
  }
  if (sub === "get") {
    const data = await io.mgmt.bytes("/mgmt/capture/pcap", 30);
    return `Packet capture saved to ${io.save(rest[0] ?? `capture-${stamp()}.pcap`, data)} (${data.length} bytes)`;
  }
  throw new BacksideError(
    "USAGE",
    "usage: packet-capture start [INTERFACE] [SECONDS] | stop | status | get [FILE]",
  );
}

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.usage.length), "exit".length);
  return [
    ...COMMANDS.map((c) => `${c.usage.padEnd(w)}  ${c.help}`),
    `${"help".padEnd(w)}  this list`,
    `${"exit".padEnd(w)}  leave the shell (the lab stays up)`,
  ].join("\n");
}

/** The command a line names: the longest match of its first words. */
export function findCommand(words: string[]): { cmd: ShellCommand; args: string[] } | undefined {
  const lower = words.map((w) => w.toLowerCase());
  const hits = COMMANDS.filter((c) => c.words.every((w, i) => lower[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  );
  const cmd = hits[0];
  return cmd ? { cmd, args: words.slice(cmd.words.length) } : undefined;
}

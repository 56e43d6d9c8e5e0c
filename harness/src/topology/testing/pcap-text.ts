/**
 * Test helper: a pcap's TCP packets as tcpdump on the host reads them (until harness/src/pcap
 * has a reader). Only reads a file; sends nothing.
 */
import { execFileSync } from "node:child_process";

export interface TcpLine {
  time: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  flags: string;
  ttl?: number;
}

export function readTcp(file: string): TcpLine[] {
  const out = execFileSync("tcpdump", ["-r", file, "-n", "-tt", "-v", "tcp"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: TcpLine[] = [];
  // -v puts the IP header on one line ("... ttl 63, ...") and the TCP part on the next.
  const rows = out.split("\n");
  for (let i = 0; i < rows.length; i++) {
    const m = /^\s*([\d.]+)\.(\d+) > ([\d.]+)\.(\d+): Flags \[([^\]]*)\]/.exec(rows[i]);
    if (!m) continue;
    const head = rows[i - 1] ?? "";
    const t = /^([\d.]+) IP /.exec(head);
    const ttl = /ttl (\d+)/.exec(head);
    lines.push({
      time: t ? Number(t[1]) : NaN,
      src: m[1],
      sport: Number(m[2]),
      dst: m[3],
      dport: Number(m[4]),
      flags: m[5],
      ttl: ttl ? Number(ttl[1]) : undefined,
    });
  }
  return lines;
}

export const isSyn = (p: TcpLine) => p.flags === "S";
export const isSynAck = (p: TcpLine) => p.flags === "S.";

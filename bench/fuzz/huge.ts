/**
 * The fuzzer's size classes, built once into .cache/fuzz/huge/ (they take seconds to make and are
 * the same every run): a 200,000-line log, a gzipped error report holding a 50 MiB log, a 300 MiB
 * gzip bomb, and a 20,000-connection capture seen at two points of the path.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildErrorReport } from "../../harness/src/appliance/index.js";
import { LOGS, logText, reportInput, type LogStep } from "../../harness/src/engine/fixtures/artifacts.js";
import { PcapWriter } from "../../harness/src/pcap/writer.js";
import { tcpFrame } from "../../harness/src/pcap/testing/packets.js";

export const HUGE_DIR = ".cache/fuzz/huge";
const MiB = 1024 * 1024;

function lines(n: number): string {
  const kinds = [LOGS.refused, LOGS.connectTimeout, LOGS.nxdomain, LOGS.ok] as LogStep[][];
  const steps: LogStep[] = [];
  for (let tid = 0; steps.length < n; tid++)
    for (const [name, params] of kinds[tid % kinds.length]) steps.push([name, params, tid]);
  return logText(steps.slice(0, n), 1);
}

function capture(path: string, ttl: number): void {
  const w = new PcapWriter(path);
  let t = 1_764_000_000;
  for (let i = 0; i < 20_000; i++) {
    const sport = 10_000 + (i % 50_000);
    w.write(
      (t += 0.0005),
      tcpFrame({ src: "10.100.1.10", dst: "10.100.2.10", sport, dport: 80, flags: "S", ttl, seq: i }),
    );
  }
  w.close();
}

const MAKERS: Record<string, (path: string) => void> = {
  "log-200k-lines.log": (p) => writeFileSync(p, lines(200_000)),
  "report-50mib-log.txt.gz": (p) => {
    const one = lines(20_000);
    const log = one.repeat(Math.ceil((50 * MiB) / one.length)).slice(0, 50 * MiB);
    writeFileSync(p, gzipSync(buildErrorReport(reportInput({ logText: log }))));
  },
  "gzip-bomb-300mib.txt.gz": (p) => writeFileSync(p, gzipSync(Buffer.alloc(300 * MiB), { level: 9 })),
  "conns-20k-gateway-mid.pcap": (p) => capture(p, 64),
  "conns-20k-firewall-back.pcap": (p) => capture(p, 63),
};

export type HugeName = keyof typeof MAKERS;

/** The path of a size-class file, made first when missing (atomically, for concurrent runs). */
export function huge(name: string): string {
  const path = join(HUGE_DIR, name);
  if (!existsSync(path)) {
    mkdirSync(HUGE_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    MAKERS[name](tmp);
    renameSync(tmp, path);
  }
  return path;
}

export function hugeBytes(name: string): Buffer {
  return readFileSync(huge(name));
}

export function makeAllHuge(): void {
  for (const name of Object.keys(MAKERS)) huge(name);
}

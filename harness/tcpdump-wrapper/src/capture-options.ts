import { TcpdumpError } from "./tcpdump-error.js";

export interface CaptureOptions {
  /** The interface to capture on: `lo`, `eth0`, `any`. */
  iface: string;
  /** Local path the pcap is written to when the capture stops. */
  file: string;
  /** pcap-filter expression (BPF), e.g. "tcp port 80". */
  filter?: string;
  /** Keep at most this many bytes of pcap: the file is cut there, not rotated. */
  maxBytes?: number;
  /** tcpdump stops by itself after this long. */
  maxSeconds?: number;
  /** tcpdump stops by itself after this many packets. */
  maxPackets?: number;
  /** Bytes kept per packet; default tcpdump's (262144). */
  snaplen?: number;
  /**
   * The kernel's capture ring in KiB (tcpdump -B); default libpcap's 2 MiB. Each slot is sized
   * for the interface's MTU, so on lo (MTU 65536) the default holds about 16 packets and a burst
   * right after start is dropped (`droppedByKernel` says so): give 8192 there.
   */
  bufferKiB?: number;
  /** Stem of the capture's files on the target, 1-64 of [A-Za-z0-9._-]; default the interface. Unique per target and workDir. */
  name?: string;
  /** Folder on the target where tcpdump writes; default /tmp/captures. */
  workDir?: string;
  /** Bound for tcpdump to say it listens; default 10 s. */
  startTimeoutMs?: number;
  /** Bound for tcpdump to exit after SIGINT; default 10 s (the drain before it takes at most 5 s more). */
  stopTimeoutMs?: number;
  /**
   * Whether stop() removes the capture's files on the target once the pcap is copied; default
   * true. False saves that call for a caller that removes `workDir` itself.
   */
  removeFiles?: boolean;
}

export interface CheckedOptions extends CaptureOptions {
  name: string;
  workDir: string;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  removeFiles: boolean;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const LIMITS = [
  "maxBytes",
  "maxSeconds",
  "maxPackets",
  "snaplen",
  "startTimeoutMs",
  "stopTimeoutMs",
] as const;

/** Every option checked before anything runs; each problem names the option. */
export function checkOptions(o: CaptureOptions): CheckedOptions {
  const bad = (m: string) => new TcpdumpError("BAD_OPTION", m);
  if (typeof o.iface !== "string" || !NAME.test(o.iface) || o.iface.startsWith("-"))
    throw bad(
      `iface '${String(o.iface)}' must be an interface name (1-64 of [A-Za-z0-9._-], not starting with -)`,
    );
  if (typeof o.file !== "string" || o.file === "") throw bad("file must be the local path of the pcap");
  const name = o.name ?? o.iface;
  if (!NAME.test(name) || name.startsWith("."))
    throw bad(`name '${name}' must be 1-64 of [A-Za-z0-9._-], not starting with .`);
  for (const k of LIMITS) {
    const v = o[k];
    if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0))
      throw bad(`${k} must be a positive integer, not ${v}`);
  }
  const workDir = o.workDir ?? "/tmp/captures";
  if (!workDir.startsWith("/")) throw bad(`workDir '${workDir}' must be an absolute path`);
  if (o.filter !== undefined && typeof o.filter !== "string") throw bad("filter must be a string");
  return {
    ...o,
    name,
    workDir,
    startTimeoutMs: o.startTimeoutMs ?? 10_000,
    stopTimeoutMs: o.stopTimeoutMs ?? 10_000,
    removeFiles: o.removeFiles ?? true,
  };
}

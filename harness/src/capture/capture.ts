import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { BacksideError } from "../errors.js";
import type { StartedNode } from "../topology/started-node.js";
import type { SegmentName } from "../topology/plan.js";
import { CAPTURE_FILES_DIR } from "../topology/topology-state.js";

/** Where captures live inside a node (a topology reset removes it). */
export const CAPTURE_DIR = CAPTURE_FILES_DIR;

export interface CaptureOptions {
  /** Capture on this interface ... */
  iface?: string;
  /** ... or on the node's interface on this segment (resolved from its address). */
  segment?: SegmentName;
  /** pcap-filter expression, e.g. "tcp port 80". */
  filter?: string;
  /** Keep at most this many bytes of pcap (the file is cut there: a truncated capture is evidence). */
  maxBytes?: number;
  /** tcpdump stops by itself after this long. */
  maxSeconds?: number;
  maxPackets?: number;
  /** Bytes kept per packet; default tcpdump's (262144). */
  snaplen?: number;
  /** File stem; default `<node>-<segment|iface>`. */
  name?: string;
  /** Local folder for the copied pcap; default `<tmp>/backside-captures/<run id>`. */
  outDir?: string;
  /** Bound for tcpdump to report "listening on"; default 10 s. */
  startTimeoutMs?: number;
}

export interface CaptureResult {
  /** Local path of the pcap. */
  file: string;
  bytes: number;
  /** From tcpdump's "N packets captured" when it exited cleanly. */
  packets?: number;
  /** What tcpdump printed on stderr (drops, warnings). */
  stderr: string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The shell script that runs tcpdump in the background; exported for unit tests. */
export function captureScript(o: {
  name: string;
  iface: string;
  filter?: string;
  maxBytes?: number;
  maxSeconds?: number;
  maxPackets?: number;
  snaplen?: number;
}): string {
  const base = `${CAPTURE_DIR}/${o.name}`;
  // -n: never resolve names (that would put DNS traffic in the topology); -Z root: Debian's
  // tcpdump drops to user tcpdump before opening the file, which could not write here.
  // --immediate-mode: without it libpcap batches packets in the kernel ring and a SIGINT soon
  // after a short exchange loses the last ones (seen: "10 received by filter, 4 captured").
  const args = ["tcpdump", "-n", "-U", "--immediate-mode", "-Z", "root", "-i", o.iface];
  if (o.snaplen) args.push("-s", String(o.snaplen));
  if (o.maxPackets) args.push("-c", String(o.maxPackets));
  const out = o.maxBytes ? `${base}.fifo` : `${base}.pcap`;
  args.push("-w", out);
  if (o.filter) args.push(o.filter);
  // `timeout` passes SIGINT on to tcpdump, so stop() works the same with or without it.
  const cmd = [...(o.maxSeconds ? ["timeout", "-s", "INT", String(o.maxSeconds)] : []), ...args]
    .map(shellQuote)
    .join(" ");
  const lines = [`mkdir -p ${CAPTURE_DIR}`, `rm -f ${base}.pcap ${base}.fifo ${base}.err ${base}.done`];
  if (o.maxBytes) {
    // head cuts the stream at maxBytes; tcpdump then dies of SIGPIPE, which is fine.
    lines.push(`mkfifo ${base}.fifo`, `head -c ${o.maxBytes} < ${base}.fifo > ${base}.pcap &`, "h=$!");
  }
  lines.push(`${cmd} 2> ${base}.err &`, `echo $! > ${base}.pid`, "wait $!", `echo $? > ${base}.rc`);
  if (o.maxBytes) lines.push("wait $h");
  lines.push(`touch ${base}.done`);
  return lines.join("\n");
}

const STOP_WAIT_MS = 10_000;
const POLL_S = 0.02;

/** Waits inside the node, up to `ms`, for `cond` (a shell test); exit 1 when it never held. */
function waitInNode(cond: string, ms: number): string {
  const tries = Math.ceil(ms / 1000 / POLL_S);
  return `i=0; until ${cond}; do i=$((i+1)); [ "$i" -le ${tries} ] || exit 1; sleep ${POLL_S}; done`;
}

/** Exported for unit tests: stop a capture and print tcpdump's stderr once it has exited. */
export function stopScript(base: string, ms = STOP_WAIT_MS): string {
  return [
    `kill -INT $(cat ${base}.pid 2>/dev/null) 2>/dev/null`,
    waitInNode(`[ -e ${base}.done ]`, ms),
    `cat ${base}.err`,
  ].join("\n");
}

/** Exported for unit tests: waits until tcpdump listens (exit 0) or has exited (exit 2, its stderr). */
export function listeningScript(base: string, ms: number): string {
  return [
    waitInNode(`grep -q "listening on" ${base}.err 2>/dev/null || [ -e ${base}.done ]`, ms),
    `grep -q "listening on" ${base}.err && exit 0`,
    `cat ${base}.err; exit 2`,
  ].join("\n");
}

/**
 * A tcpdump running inside a node. Stop it with `stop()` (SIGINT, so tcpdump flushes and
 * writes its summary), which copies the pcap to the local artifact folder. Tracked by the
 * node's topology, so teardown stops it too.
 */
export class StartedCapture {
  private stopped: Promise<CaptureResult> | undefined;
  private untrack: () => void = () => undefined;

  constructor(
    readonly node: StartedNode,
    readonly name: string,
    readonly iface: string,
    /** Local path the pcap is copied to by stop(). */
    readonly file: string,
  ) {}

  /** @internal */
  setUntrack(f: () => void): void {
    this.untrack = f;
  }

  stop(): Promise<CaptureResult> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<CaptureResult> {
    this.untrack();
    const base = `${CAPTURE_DIR}/${this.name}`;
    // One exec: SIGINT (the pid may already be gone when a limit was reached: fine), a bounded
    // wait inside the node for the script to mark the pcap complete, then tcpdump's summary.
    const r = await this.node.exec(["/bin/sh", "-c", stopScript(base)], { timeoutMs: 15_000 });
    if (r.exitCode !== 0)
      throw new BacksideError(
        "TIMEOUT",
        `timed out after ${STOP_WAIT_MS} ms waiting for tcpdump ${this.name} on ${this.node.name} to exit`,
      );
    const pcap = await this.node.copyFileOut(`${base}.pcap`);
    await writeFile(this.file, pcap);
    const m = /(\d+) packets? captured/.exec(r.stdout);
    return { file: this.file, bytes: pcap.length, packets: m ? Number(m[1]) : undefined, stderr: r.stdout };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export async function startCapture(node: StartedNode, opts: CaptureOptions): Promise<StartedCapture> {
  if (!opts.iface && !opts.segment)
    throw new BacksideError("USAGE", "startCapture needs `iface` or `segment`");
  const iface = opts.iface ?? (await node.interfaceOn(opts.segment!));
  const name = opts.name ?? `${node.name}-${opts.segment ?? iface}`;
  if (!NAME.test(name))
    throw new BacksideError("USAGE", `capture name '${name}' must be 1-64 of [A-Za-z0-9._-]`);
  for (const [k, v] of Object.entries({
    maxBytes: opts.maxBytes,
    maxSeconds: opts.maxSeconds,
    maxPackets: opts.maxPackets,
    snaplen: opts.snaplen,
  })) {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0))
      throw new BacksideError("USAGE", `capture option ${k} must be a positive integer`);
  }
  const outDir = opts.outDir ?? join(tmpdir(), "backside-captures", node.context.runId);
  await mkdir(outDir, { recursive: true });
  const script = captureScript({ ...opts, name, iface });
  const base = `${CAPTURE_DIR}/${name}`;
  // Detached exec: the script outlives this call; its state lives in files beside the pcap.
  const exec = await node.container.exec({
    Cmd: ["/bin/sh", "-c", script],
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
  });
  // Even detached, docker-modem hands back the HTTP response (200, Content-Length: 0) as a
  // stream. Unread, it never ends, so the agent keeps its socket to the Docker daemon open and
  // referenced, one per capture, and the process cannot exit. Read it to its end.
  const response = await exec.start({ Detach: true });
  await drain(response);
  const capture = new StartedCapture(node, name, iface, join(outDir, `${name}.pcap`));
  const waitMs = opts.startTimeoutMs ?? 10_000;
  try {
    // One exec that waits inside the node (bounded), not one exec per look.
    const r = await node.exec(["/bin/sh", "-c", listeningScript(base, waitMs)], {
      timeoutMs: waitMs + 5_000,
    });
    if (r.exitCode === 2)
      throw new BacksideError("RUNTIME", `tcpdump on ${node.name}/${iface} exited: ${r.stdout.trim()}`);
    if (r.exitCode !== 0)
      throw new BacksideError(
        "TIMEOUT",
        `timed out after ${waitMs} ms waiting for tcpdump on ${node.name}/${iface} listening`,
      );
  } catch (e) {
    await node
      .exec(["/bin/sh", "-c", `kill -INT $(cat ${base}.pid) 2>/dev/null; true`], { timeoutMs: 5_000 })
      .catch(() => undefined);
    throw e;
  }
  capture.setUntrack(node.context.track(capture));
  return capture;
}

/** Reads a response to its end (or destroys it on error), so its socket is released. */
async function drain(response: Readable | undefined): Promise<void> {
  if (!response || typeof response.resume !== "function") return;
  response.resume();
  try {
    await finished(response);
  } catch {
    response.destroy();
  }
}

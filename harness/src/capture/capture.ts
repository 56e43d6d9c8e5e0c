import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { BacksideError } from "../errors.js";
import { pollUntil, PollAbort } from "../util/poll-until.js";
import type { StartedNode } from "../topology/started-node.js";
import type { SegmentName } from "../topology/plan.js";
import { CAPTURE_FILES_DIR } from "../topology/reset-topology.js";

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
    // The pid may already be gone (limits reached): kill then fails, which is fine.
    await this.node.exec(["/bin/sh", "-c", `kill -INT $(cat ${base}.pid) 2>/dev/null; true`], {
      timeoutMs: 10_000,
    });
    await pollUntil(
      async () => (await this.node.exec(["test", "-e", `${base}.done`], { timeoutMs: 5_000 })).exitCode === 0,
      { what: `tcpdump ${this.name} on ${this.node.name} to exit`, timeoutMs: 10_000, intervalMs: 50 },
    );
    const pcap = await this.node.copyFileOut(`${base}.pcap`);
    const err = await this.node.exec(["cat", `${base}.err`], { timeoutMs: 5_000 });
    await writeFile(this.file, pcap);
    const m = /(\d+) packets? captured/.exec(err.stdout);
    return { file: this.file, bytes: pcap.length, packets: m ? Number(m[1]) : undefined, stderr: err.stdout };
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
  try {
    await pollUntil(
      async () => {
        const r = await node.exec(
          ["/bin/sh", "-c", `cat ${base}.err 2>/dev/null; test -e ${base}.done && echo __DONE__`],
          { timeoutMs: 5_000 },
        );
        if (r.stdout.includes("listening on")) return true;
        if (r.stdout.includes("__DONE__")) {
          const why = r.stdout.replace("__DONE__", "").trim();
          throw new PollAbort(
            new BacksideError("RUNTIME", `tcpdump on ${node.name}/${iface} exited: ${why}`),
          );
        }
        return false;
      },
      {
        what: `tcpdump on ${node.name}/${iface} listening`,
        timeoutMs: opts.startTimeoutMs ?? 10_000,
        intervalMs: 50,
      },
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

/**
 * Captures on a node's interfaces, through the tcpdump-wrapper package (harness/tcpdump-wrapper):
 * this file adds what only the harness knows: a segment's interface, the run's artifact folder,
 * the topology tracking the capture so teardown stops it, and BacksideError codes.
 */
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startCapture as startTcpdump,
  TcpdumpError,
  type CaptureResult,
  type StartedCapture as StartedTcpdump,
} from "tcpdump-wrapper";
import { BacksideError, type ErrorCode } from "../errors.js";
import type { StartedNode } from "../topology/started-node.js";
import type { SegmentName } from "../topology/plan.js";
import { nodeTarget } from "./node-target.js";
import { CAPTURE_FILES_DIR } from "../topology/topology-state.js";

export type { CaptureResult };

/** Where captures live inside a node. */
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
  /**
   * False: stop() leaves the capture's files in the node (one call fewer), for a caller whose
   * topology removes CAPTURE_DIR itself (a reset does, teardown removes the node); default true.
   */
  removeFiles?: boolean;
}

const CODES: Record<TcpdumpError["code"], ErrorCode> = {
  BAD_OPTION: "USAGE",
  START_FAILED: "RUNTIME",
  TIMEOUT: "TIMEOUT",
  EXEC_FAILED: "RUNTIME",
};

/** The package's errors as the harness's (the CLI maps codes to exit codes); others unchanged. */
function asBacksideError(e: unknown): unknown {
  return e instanceof TcpdumpError ? new BacksideError(CODES[e.code], e.message, { cause: e }) : e;
}

/** A tcpdump running inside a node, tracked by the node's topology so teardown stops it too. */
export class StartedCapture {
  private untrack: () => void = () => undefined;

  constructor(
    readonly node: StartedNode,
    private readonly tcpdump: StartedTcpdump,
  ) {}

  get name(): string {
    return this.tcpdump.name;
  }
  get iface(): string {
    return this.tcpdump.iface;
  }
  /** Local path the pcap is copied to by stop(). */
  get file(): string {
    return this.tcpdump.file;
  }

  /** @internal */
  setUntrack(f: () => void): void {
    this.untrack = f;
  }

  /** Whether tcpdump has ended by itself (a limit reached). */
  ended(): Promise<boolean> {
    return this.tcpdump.ended().catch((e) => Promise.reject(asBacksideError(e)));
  }

  /** SIGINT (tcpdump flushes and writes its summary), then the pcap copied out. Idempotent. */
  stop(): Promise<CaptureResult> {
    this.untrack();
    return this.tcpdump.stop().catch((e) => Promise.reject(asBacksideError(e)));
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
  const outDir = opts.outDir ?? join(tmpdir(), "backside-captures", node.context.runId);
  await mkdir(outDir, { recursive: true });
  let tcpdump: StartedTcpdump;
  try {
    tcpdump = await startTcpdump(nodeTarget(node), {
      iface,
      name,
      file: join(outDir, `${name}.pcap`),
      workDir: CAPTURE_DIR,
      filter: opts.filter,
      maxBytes: opts.maxBytes,
      maxSeconds: opts.maxSeconds,
      maxPackets: opts.maxPackets,
      snaplen: opts.snaplen,
      startTimeoutMs: opts.startTimeoutMs,
      removeFiles: opts.removeFiles,
    });
  } catch (e) {
    throw asBacksideError(e);
  }
  const capture = new StartedCapture(node, tcpdump);
  capture.setUntrack(node.context.track(capture));
  return capture;
}

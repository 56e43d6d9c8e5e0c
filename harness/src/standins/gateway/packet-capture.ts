/**
 * Packet capture like the appliance's (DOMAIN.md §6): tcpdump on one interface with an
 * optional filter, bounded by a duration and a size; stopped with SIGINT so tcpdump flushes.
 * One capture at a time; the last file stays available for download and for the error report.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BacksideError } from "../../errors.js";

export interface CaptureRequest {
  interface: string;
  filter?: string;
  durationSeconds: number;
  maxKB: number;
}

export interface CaptureStatus {
  running: boolean;
  file?: string;
  interface?: string;
  filter?: string;
  startedAt?: number;
  stoppedAt?: number;
  bytes: number;
  stopReason?: string;
  stderr?: string;
}

const STOP_GRACE_MS = 3000;
/** Count requests before a stop, and the wait for each answer (3 s in all at most). */
const DRAIN_TRIES = 12;
const DRAIN_WAIT_MS = 250;
/** How long a start waits for tcpdump to say it is listening. */
const LISTEN_WAIT_MS = 10_000;

export class PacketCapture {
  private proc?: ChildProcess;
  private status: CaptureStatus = { running: false, bytes: 0 };
  private timers: NodeJS.Timeout[] = [];
  private exited?: Promise<void>;
  /** What the running tcpdump has printed so far (its counts, after SIGUSR1). */
  private liveStderr = "";

  constructor(
    private opts: {
      dir: string;
      tcpdump: string;
      maxDuration: number;
      maxKB: number;
      onEvent?: (ev: "started" | "stopped", s: CaptureStatus) => void;
    },
  ) {}

  current(): CaptureStatus {
    if (this.status.file) this.status.bytes = fileSize(this.status.file);
    return { ...this.status };
  }

  async start(req: CaptureRequest): Promise<CaptureStatus> {
    if (this.proc)
      throw new BacksideError("RUNTIME", "a packet capture is already running", { hint: "stop it first" });
    if (!/^[\w.@:-]{1,32}$/.test(req.interface))
      throw new BacksideError("INVALID_INPUT", "capture.interface must be an interface name (or 'any')");
    const duration = Math.min(Math.max(req.durationSeconds, 1), this.opts.maxDuration);
    const maxBytes = Math.min(Math.max(req.maxKB, 10), this.opts.maxKB) * 1024;
    mkdirSync(this.opts.dir, { recursive: true });
    const file = join(this.opts.dir, `capture-${req.interface.replace(/[^\w]/g, "_")}-${Date.now()}.pcap`);
    const args = [
      "-i",
      req.interface,
      "-U",
      // Without it libpcap hands packets over in blocks and a stop loses the last one's packets.
      "--immediate-mode",
      "-n",
      "-s",
      "0",
      "-w",
      file,
      ...(req.filter ? req.filter.split(/\s+/).filter(Boolean) : []),
    ];
    const proc = spawn(this.opts.tcpdump, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    this.liveStderr = "";
    proc.stderr!.on("data", (d: Buffer) => (this.liveStderr = stderr = (stderr + d.toString()).slice(-4000)));
    this.proc = proc;
    this.status = {
      running: true,
      file,
      interface: req.interface,
      filter: req.filter,
      startedAt: Date.now(),
      bytes: 0,
    };
    this.exited = new Promise((resolve) =>
      proc.once("exit", () => {
        this.clearTimers();
        this.proc = undefined;
        this.status = {
          ...this.status,
          running: false,
          stoppedAt: Date.now(),
          bytes: fileSize(file),
          stderr,
          stopReason: this.status.stopReason ?? "tcpdump exited",
        };
        this.opts.onEvent?.("stopped", this.current());
        resolve();
      }),
    );
    const spawnError = await new Promise<Error | undefined>((resolve) => {
      proc.once("error", (e) => resolve(e));
      proc.once("spawn", () => resolve(undefined));
    });
    if (spawnError) {
      this.proc = undefined;
      throw new BacksideError("ENVIRONMENT", `tcpdump cannot start: ${spawnError.message}`, {
        cause: spawnError,
      });
    }
    // Started means listening: traffic right after the start must be in the file (a loaded
    // machine takes seconds to open the interface). Bounded by LISTEN_WAIT_MS.
    for (let waited = 0; waited < LISTEN_WAIT_MS && proc.exitCode === null; waited += 50) {
      if (/listening on/.test(this.liveStderr)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    this.timers.push(setTimeout(() => void this.stop("duration reached"), duration * 1000));
    // Size limit: tcpdump's own -C rotates files, so watch the size instead.
    this.timers.push(
      setInterval(() => fileSize(file) >= maxBytes && void this.stop("size limit reached"), 250),
    );
    this.opts.onEvent?.("started", this.current());
    return this.current();
  }

  async stop(reason = "stopped by request"): Promise<CaptureStatus> {
    const proc = this.proc;
    if (!proc) return this.current();
    this.status.stopReason = reason;
    this.clearTimers();
    await this.drained(proc, () => this.liveStderr);
    proc.kill("SIGINT");
    const killer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
    return this.current();
  }

  /**
   * Before SIGINT, what the kernel still holds for tcpdump: SIGUSR1 makes it print its counts, and
   * once two answers agree nothing more is on its way (a stop right after the traffic lost the last
   * packets on a loaded machine). Bounded by DRAIN_TRIES answers.
   */
  private async drained(proc: ChildProcess, stderr: () => string): Promise<void> {
    let last = "";
    for (let i = 0; i < DRAIN_TRIES && proc.exitCode === null; i++) {
      proc.kill("SIGUSR1");
      await new Promise((r) => setTimeout(r, DRAIN_WAIT_MS));
      const counts = [...stderr().matchAll(/(\d+) packets? (captured|received by filter)/g)].slice(-2);
      const now = counts.map((m) => m[1]).join("/");
      if (now !== "" && now === last) return;
      last = now;
    }
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}

function fileSize(f: string): number {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
}

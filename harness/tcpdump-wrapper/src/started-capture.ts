import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { CAPTURE_FILES, captureBase } from "./capture-script.js";
import { shellQuote } from "./shell-quote.js";
import type { CaptureTarget } from "./capture-target.js";
import { SUMMARY_MARK, stopScript } from "./stop-script.js";
import { TcpdumpError } from "./tcpdump-error.js";

export interface CaptureResult {
  /** Local path of the pcap. */
  file: string;
  bytes: number;
  /** From tcpdump's "N packets captured" when it exited cleanly (not when cut by maxBytes). */
  packets?: number;
  /** From "N packets dropped by kernel": packets the capture missed. */
  droppedByKernel?: number;
  /** tcpdump's exit status (130 or 0 after SIGINT, 124 from maxSeconds, 141 when cut by maxBytes). */
  exitCode?: number;
  /** What tcpdump printed on stderr (drops, warnings). */
  stderr: string;
}

/** SIGINT to the capture (tcpdump flushes its buffer and prints its summary); gone already is fine. */
export function interruptScript(base: string): string {
  return `kill -INT "$(cat ${shellQuote(base + ".pid")} 2>/dev/null)" 2>/dev/null; true`;
}

/** Removes every file of the capture on the target. */
export function removeScript(base: string): string {
  return `rm -f ${CAPTURE_FILES.map((s) => shellQuote(base + s)).join(" ")}`;
}

/**
 * A tcpdump running on a target. `stop()` lets tcpdump read what the kernel holds for it, sends
 * SIGINT, waits until every file is written (one exec, stop-script.ts, which also hands back
 * tcpdump's summary), copies the pcap to `file` and removes the capture's files on the target
 * (unless `removeFiles` is false); it is idempotent, and `await using` calls it.
 */
export class StartedCapture implements AsyncDisposable {
  private stopped: Promise<CaptureResult> | undefined;

  constructor(
    readonly target: CaptureTarget,
    readonly name: string,
    readonly iface: string,
    /** Local path the pcap is copied to by stop(). */
    readonly file: string,
    private readonly workDir: string,
    private readonly stopTimeoutMs: number,
    private readonly removeFiles = true,
  ) {}

  /** The capture's path stem on the target. */
  get base(): string {
    return captureBase({ dir: this.workDir, name: this.name });
  }

  /** Whether tcpdump has ended by itself (a limit reached) or after stop(). */
  async ended(): Promise<boolean> {
    const r = await this.target.exec(["test", "-e", `${this.base}.done`], { timeoutMs: 5_000 });
    return r.exitCode === 0;
  }

  stop(): Promise<CaptureResult> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<CaptureResult> {
    const { target, base } = this;
    const q = (suffix: string) => shellQuote(base + suffix);
    const stop = await target.exec(["/bin/sh", "-c", stopScript(base, this.stopTimeoutMs)], {
      timeoutMs: this.stopTimeoutMs + 10_000,
    });
    const [said, summary = ""] = stop.stdout.split(`${SUMMARY_MARK}\n`);
    if (said.trim() !== "stopped") {
      // Never leave a tcpdump behind: one that ignores SIGINT is killed, its file is not trusted.
      await target
        .exec(
          ["/bin/sh", "-c", `kill -KILL $(cat ${q(".tpid")} ${q(".pid")} 2>/dev/null) 2>/dev/null; true`],
          {
            timeoutMs: 5_000,
          },
        )
        .catch(() => undefined);
      throw new TcpdumpError(
        "TIMEOUT",
        `tcpdump ${this.name} on ${target.name} did not exit within ${this.stopTimeoutMs} ms of SIGINT; killed`,
      );
    }
    const pcap = await target.readFile(`${base}.pcap`);
    // Removed only once copied; the local file is written meanwhile.
    await Promise.all([
      this.removeFiles && target.exec(["/bin/sh", "-c", removeScript(base)], { timeoutMs: 5_000 }),
      mkdir(dirname(this.file), { recursive: true }).then(() => writeFile(this.file, pcap)),
    ]);
    const rc = /\nrc=(\d*)\n$/.exec(summary);
    // Without the answers to drain()'s SIGUSR1s: what tcpdump said of its own accord.
    const stderr = summary
      .slice(0, rc?.index)
      .split("\n")
      .filter((l) => !/^tcpdump: \d+ packets? captured, /.test(l))
      .join("\n")
      .trim();
    const count = (re: RegExp) => {
      const all = [...stderr.matchAll(re)];
      return all.length ? Number(all[all.length - 1][1]) : undefined;
    };
    return {
      file: this.file,
      bytes: pcap.length,
      packets: count(/(\d+) packets? captured/g),
      droppedByKernel: count(/(\d+) packets? dropped by kernel/g),
      exitCode: rc?.[1] ? Number(rc[1]) : undefined,
      stderr,
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

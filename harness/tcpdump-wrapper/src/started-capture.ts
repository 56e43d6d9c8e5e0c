import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { CAPTURE_FILES, captureBase } from "./capture-script.js";
import { shellQuote } from "./shell-quote.js";
import type { CaptureTarget } from "./capture-target.js";
import { pollUntil } from "./poll.js";

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

/**
 * Asks tcpdump for its count (SIGUSR1: it prints "tcpdump: N packets captured, ..." to stderr) and
 * waits in the target, at most 2 s, for answer number `n` or for tcpdump's end; prints "<answers
 * so far> <last count>", or "gone" when tcpdump has exited.
 */
export function countScript(base: string, n: number): string {
  const err = shellQuote(base + ".err");
  const answers = `grep -c 'packets captured' ${err}`;
  const wait = `while [ "$(grep -c 'packets captured' "$0")" -lt "$1" ] && [ ! -e "$2" ]; do sleep 0.01; done`;
  return [
    `p=$(cat ${shellQuote(base + ".tpid")} 2>/dev/null)`,
    `[ -n "$p" ] && kill -USR1 "$p" 2>/dev/null || { echo gone; exit 0; }`,
    `timeout 2 /bin/sh -c ${shellQuote(wait)} ${err} ${n} ${shellQuote(base + ".rc")}`,
    `echo "$(${answers}) $(grep -o '[0-9]* packets\\{0,1\\} captured' ${err} | tail -n 1 | cut -d' ' -f1)"`,
  ].join("\n");
}

/** Removes every file of the capture on the target. */
export function removeScript(base: string): string {
  return `rm -f ${CAPTURE_FILES.map((s) => shellQuote(base + s)).join(" ")}`;
}

/**
 * A tcpdump running on a target. `stop()` sends SIGINT, waits until every file is written, copies
 * the pcap to `file` and removes the capture's files on the target; it is idempotent, and
 * `await using` calls it.
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

  /**
   * Waits until tcpdump has written what the kernel holds for it. On SIGINT tcpdump leaves its
   * loop at once and what is still in the kernel's ring is lost (seen on a loaded machine:
   * "0 packets captured, 48 packets received by filter"). Each SIGUSR1 answer proves tcpdump ran,
   * and it reads the ring before it sleeps again; two answers with the same count mean nothing
   * was left to read. Bounded: at most 20 rounds, and it gives up quietly when tcpdump is gone or
   * does not answer.
   */
  private async drain(): Promise<void> {
    const exec = (argv: string[]) =>
      this.target.exec(argv, { timeoutMs: 5_000 }).then(
        (r) => r.stdout.trim(),
        () => "",
      );
    let asked = Number(await exec(["grep", "-c", "packets captured", `${this.base}.err`])) || 0;
    let last: string | undefined;
    for (let round = 0; round < 20; round++) {
      asked++;
      const m = /^(\d+) (\d+)$/.exec(await exec(["/bin/sh", "-c", countScript(this.base, asked)]));
      if (!m || Number(m[1]) < asked || m[2] === last) return;
      last = m[2];
    }
  }

  private async doStop(): Promise<CaptureResult> {
    const { target, base } = this;
    const q = (suffix: string) => shellQuote(base + suffix);
    if (!(await this.ended())) await this.drain();
    await target.exec(["/bin/sh", "-c", interruptScript(base)], { timeoutMs: 5_000 });
    try {
      await pollUntil(
        () => this.ended(),
        `tcpdump ${this.name} on ${target.name} to exit`,
        this.stopTimeoutMs,
      );
    } catch (e) {
      // Never leave a tcpdump behind: one that ignores SIGINT is killed, its file is not trusted.
      await target
        .exec(
          ["/bin/sh", "-c", `kill -KILL $(cat ${q(".tpid")} ${q(".pid")} 2>/dev/null) 2>/dev/null; true`],
          {
            timeoutMs: 5_000,
          },
        )
        .catch(() => undefined);
      throw e;
    }
    const pcap = await target.readFile(`${base}.pcap`);
    // Its summary and exit status, and its files removed, in one exec.
    const info = await target.exec(
      ["/bin/sh", "-c", `cat ${q(".err")}; echo; echo "rc=$(cat ${q(".rc")})"; ${removeScript(base)}`],
      { timeoutMs: 5_000 },
    );
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(this.file, pcap);
    const rc = /\nrc=(\d*)\n$/.exec(info.stdout);
    // Without the answers to drain()'s SIGUSR1s: what tcpdump said of its own accord.
    const stderr = info.stdout
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

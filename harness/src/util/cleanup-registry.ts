/**
 * Things to stop when the process is interrupted. The CLI owns one instance and installs the
 * signal handlers once; library code only receives a registry to `add` to, so it keeps no
 * module-level state. First Ctrl-C/SIGTERM: stop everything (bounded), then exit 130/143.
 * A second signal while stopping exits at once; `backside clean` sweeps what is left.
 */
export interface Stoppable {
  stop(): Promise<unknown>;
}

export interface SignalHandlingOptions {
  /** Upper bound for stopping everything after a signal. */
  stopTimeoutMs?: number;
  /** Called instead of process.exit (tests). */
  exit?: (code: number) => void;
  log?: (line: string) => void;
}

export class CleanupRegistry {
  private readonly items = new Set<Stoppable>();
  private installed: Array<[NodeJS.Signals, () => void]> = [];
  private stopping: Promise<void> | undefined;

  add<T extends Stoppable>(item: T): T {
    this.items.add(item);
    return item;
  }

  delete(item: Stoppable): void {
    this.items.delete(item);
  }

  get size(): number {
    return this.items.size;
  }

  /** Stops everything registered, newest first, in parallel per item; failures are collected. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      const all = [...this.items].reverse();
      this.items.clear();
      const results = await Promise.allSettled(all.map((i) => i.stop()));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed.length > 0)
        throw new AggregateError(
          failed.map((f) => f.reason),
          `${failed.length} cleanup(s) failed`,
        );
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  installSignalHandlers(opts: SignalHandlingOptions = {}): void {
    if (this.installed.length > 0) return;
    const exit = opts.exit ?? ((code: number) => process.exit(code));
    const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
    const timeoutMs = opts.stopTimeoutMs ?? 30_000;
    let signalled = false;
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      const code = sig === "SIGINT" ? 130 : 143;
      const handler = () => {
        if (signalled) {
          log(`backside: ${sig} again, exiting without cleanup (run \`backside clean\` later)`);
          exit(code);
          return;
        }
        signalled = true;
        log(`backside: ${sig}, stopping ${this.items.size} running item(s)...`);
        const timer = setTimeout(() => {
          log(`backside: cleanup took over ${timeoutMs} ms, exiting (run \`backside clean\` later)`);
          exit(code);
        }, timeoutMs);
        this.stopAll().then(
          () => {
            clearTimeout(timer);
            exit(code);
          },
          (e: unknown) => {
            clearTimeout(timer);
            log(`backside: cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
            exit(code);
          },
        );
      };
      process.on(sig, handler);
      this.installed.push([sig, handler]);
    }
  }

  uninstallSignalHandlers(): void {
    for (const [sig, h] of this.installed) process.off(sig, h);
    this.installed = [];
  }
}

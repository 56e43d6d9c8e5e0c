import type Docker from "dockerode";
import { BacksideError } from "../errors.js";
import type { NodeName, NodePlan, SegmentName } from "./plan.js";
import { dockerExec, type ExecOptions, type ExecResult } from "./docker-exec.js";
import { ExecChannel } from "./exec-channel.js";
import { copyFileOut, copyFilesIn, demuxLogs, type FileSpec } from "./archive.js";
import type { Stoppable } from "../util/cleanup-registry.js";

/** What a node needs from its topology (kept narrow so tests and capture can use it). */
export interface NodeContext {
  runId: string;
  /** Registers something (a capture) to be stopped before the topology is torn down. */
  track(item: Stoppable): () => void;
}

/** One running node of a started topology. */
export class StartedNode {
  private readonly ifaceCache = new Map<SegmentName, string>();
  /** Addresses given after start (a node moved on a segment), over the plan's. */
  private readonly movedTo = new Map<SegmentName, string>();
  /** Docker's `since` for logs(): where the last reset cut the node's output. */
  private logsSince: string | undefined;
  /** The node's exec channel once started; resolves to null where none can run. */
  private channel: Promise<ExecChannel | null> | undefined;

  constructor(
    readonly name: NodeName,
    readonly plan: NodePlan,
    readonly container: Docker.Container,
    readonly containerName: string,
    readonly context: NodeContext,
  ) {}

  get id(): string {
    return this.container.id;
  }

  /** The node's IPv4 address on a segment it joins. */
  address(segment: SegmentName): string {
    const a = this.movedTo.get(segment) ?? this.plan.addresses[segment];
    if (!a) throw new BacksideError("USAGE", `node '${this.name}' is not on segment '${segment}'`);
    return a;
  }

  /**
   * Runs a command in the node: through its exec channel (exec-channel.ts), started at the first
   * command, or by a docker exec of its own where the channel cannot run (an image without node,
   * a command as another user) or has ended (the container restarted: the next command starts
   * a new one).
   */
  async exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (opts.user !== undefined || process.env.BACKSIDE_EXEC_CHANNEL === "0")
      return dockerExec(this.container, cmd, opts);
    const start = () => ExecChannel.start(this.container);
    const first = (this.channel ??= start());
    let ch = await first;
    if (ch && !ch.open) {
      if (this.channel === first) this.channel = start();
      ch = await this.channel;
    }
    return ch?.open ? ch.run(cmd, opts) : dockerExec(this.container, cmd, opts);
  }

  /** Ends the exec channel, so nothing of this node keeps the process alive. */
  closeExec(): void {
    const ch = this.channel;
    this.channel = undefined;
    void ch?.then((c) => c?.close());
  }

  /** Like exec, but a non-zero exit is a RUNTIME error carrying stderr. */
  async execOk(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.exec(cmd, opts);
    if (r.exitCode !== 0) {
      throw new BacksideError(
        "RUNTIME",
        `'${cmd.join(" ")}' on ${this.name} exited ${r.exitCode}: ${r.stderr.trim().split("\n")[0] ?? ""}`,
        {
          details: { node: this.name, cmd, ...r },
        },
      );
    }
    return r;
  }

  /**
   * The interface name inside the container for a segment, found from the address: Docker's
   * ethN order follows connect order, which is not guaranteed.
   */
  async interfaceOn(segment: SegmentName): Promise<string> {
    const cached = this.ifaceCache.get(segment);
    if (cached) return cached;
    const addr = this.address(segment);
    const r = await this.execOk(["ip", "-o", "-4", "addr", "show"], { timeoutMs: 10_000 });
    for (const line of r.stdout.split("\n")) {
      // "3: eth1    inet 10.100.5.10/24 brd ... scope global eth1\ ..."
      const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
      if (m && m[2] === addr) {
        const iface = m[1].split("@")[0];
        this.ifaceCache.set(segment, iface);
        return iface;
      }
    }
    throw new BacksideError(
      "RUNTIME",
      `node '${this.name}' has no interface with ${addr} (segment '${segment}')`,
      {
        details: { addrs: r.stdout },
      },
    );
  }

  /** Records the node's new address on a segment (StartedTopology.move). */
  movedAddress(segment: SegmentName, address: string): void {
    this.address(segment);
    this.movedTo.set(segment, address);
    this.ifaceCache.delete(segment);
  }

  /** Segments where the node holds an address other than its planned one. */
  movedSegments(): SegmentName[] {
    return [...this.movedTo.keys()];
  }

  /** Back to the planned address on a segment (the topology re-plugs it). */
  plannedAddressAgain(segment: SegmentName): void {
    this.movedTo.delete(segment);
    this.ifaceCache.delete(segment);
  }

  /** Forget interface names (after disconnect/connect the name may change). */
  invalidateInterfaces(): void {
    this.ifaceCache.clear();
  }

  /** The node's output, from its start or from the last reset's `entry: reset:` line on. */
  async logs(): Promise<{ stdout: string; stderr: string }> {
    const buf = (await this.container.logs({
      stdout: true,
      stderr: true,
      follow: false,
      ...(this.logsSince ? { since: this.logsSince } : {}),
    })) as unknown as Buffer;
    return demuxLogs(buf);
  }

  /**
   * Cuts the node's output at the last line its stand-in host printed on a reset in place
   * (`entry: reset: ...`), so logs() holds only what the new program wrote. Both streams are
   * cut at the same instant (Docker's timestamp of that line). False when there is no such line.
   */
  async cutLogsAtReset(): Promise<boolean> {
    const buf = (await this.container.logs({
      stdout: true,
      stderr: false,
      timestamps: true,
      follow: false,
      ...(this.logsSince ? { since: this.logsSince } : {}),
    })) as unknown as Buffer;
    const lines = demuxLogs(buf).stdout.split("\n");
    const marker = lines.findLast((l) => / entry: reset: /.test(l));
    const at = marker ? dockerSince(marker.slice(0, marker.indexOf(" "))) : undefined;
    if (at) this.logsSince = at;
    return at !== undefined;
  }

  copyFileOut(path: string): Promise<Buffer> {
    return copyFileOut(this.container, path);
  }

  copyFilesIn(files: FileSpec[]): Promise<void> {
    return copyFilesIn(this.container, files);
  }

  /** The routes the node has now, one `ip -4 route` line each. */
  async routes(): Promise<string[]> {
    const r = await this.execOk(["ip", "-4", "route", "show"], { timeoutMs: 10_000 });
    return r.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /**
   * Re-applies the planned routes (delete every default route, then `ip route replace` each):
   * Docker may add a default route via its bridge when a network is (re)connected.
   */
  async applyRoutes(): Promise<void> {
    if (!this.plan.capAdd.includes("NET_ADMIN")) return;
    const script = [
      "i=0; while [ $i -lt 16 ] && ip -4 route del default 2>/dev/null; do i=$((i+1)); done",
      ...this.plan.routes.map((r) => `ip route replace ${r}`),
    ].join("\n");
    await this.execOk(["/bin/sh", "-ec", script], { timeoutMs: 10_000 });
  }
}

/** `2026-12-01T11:55:40.105123456Z` → `1764590140.105123456` (the form Docker's `since` takes). */
export function dockerSince(rfc3339: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}Z`) / 1000;
  return `${seconds}.${(m[2] ?? "").padEnd(9, "0")}`;
}

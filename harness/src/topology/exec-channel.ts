/**
 * One long-lived exec per node that runs many commands: the agent (exec-agent.ts) started once
 * with `docker exec -i`, then a JSON line a command each way. A docker exec costs three API calls
 * and a runtime exec (tenths of a second to seconds on a loaded machine); a command through the
 * channel costs a fork in the node. Results are those of dockerExec (docker-exec.ts): exit code,
 * stdout, stderr, TIMEOUT after `timeoutMs` (and the command's process group is killed, which a
 * docker exec cannot do).
 */
import { PassThrough } from "node:stream";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { BacksideError } from "../errors.js";
import { AGENT_SOURCE } from "./exec-agent.js";
import type { ExecOptions, ExecResult } from "./docker-exec.js";

interface Pending {
  resolve(r: ExecResult): void;
  reject(e: Error): void;
}

interface Reply {
  id?: number;
  ready?: boolean;
  code?: number;
  out?: string;
  err?: string;
}

type Demuxer = { demuxStream(s: Duplex, out: PassThrough, err: PassThrough): void };

/** How long the agent may take to start before the node is taken to have none (no node binary). */
const OPEN_TIMEOUT_MS = 15_000;

export class ExecChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private ended = false;

  private constructor(private readonly stream: Duplex) {}

  /** Whether commands can still go through it (the agent runs). */
  get open(): boolean {
    return !this.ended;
  }

  /**
   * Starts the agent in the container; null when it cannot run there (an image without node:
   * the caller keeps using docker exec).
   */
  static async start(container: Docker.Container): Promise<ExecChannel | null> {
    let stream: Duplex;
    try {
      const exec = await container.exec({
        Cmd: ["node", "-e", AGENT_SOURCE],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    } catch {
      return null;
    }
    return new ExecChannel(stream).handshake(container.modem as Demuxer);
  }

  private handshake(modem: Demuxer) {
    const out = new PassThrough();
    const err = new PassThrough();
    err.resume();
    modem.demuxStream(this.stream, out, err);
    // The socket must not keep this process alive: a command in flight has its own timer.
    (this.stream as Duplex & { unref?: () => void }).unref?.();
    return new Promise<ExecChannel | null>((resolve) => {
      let ready = false;
      const timer = setTimeout(() => {
        this.close();
        resolve(null);
      }, OPEN_TIMEOUT_MS);
      let buf = "";
      out.setEncoding("utf8");
      out.on("data", (d: string) => {
        buf += d;
        for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          let m: Reply;
          try {
            m = JSON.parse(line) as Reply;
          } catch {
            continue;
          }
          if (m.ready && !ready) {
            ready = true;
            clearTimeout(timer);
            resolve(this);
          } else if (m.id !== undefined) this.settle(m);
        }
      });
      const gone = () => {
        this.fail("the node's exec agent ended");
        clearTimeout(timer);
        if (!ready) resolve(null);
      };
      this.stream.on("end", gone);
      this.stream.on("close", gone);
      this.stream.on("error", gone);
    });
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id!);
    if (!p) return;
    this.pending.delete(m.id!);
    p.resolve({
      exitCode: m.code ?? -1,
      stdout: Buffer.from(m.out ?? "", "base64").toString(),
      stderr: Buffer.from(m.err ?? "", "base64").toString(),
    });
  }

  private fail(why: string): void {
    this.ended = true;
    for (const p of this.pending.values()) p.reject(new BacksideError("RUNTIME", why));
    this.pending.clear();
  }

  run(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.ended) return Promise.reject(new BacksideError("RUNTIME", "the node's exec agent ended"));
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const stdin = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin).toString("base64");
    this.stream.write(JSON.stringify({ id, cmd, stdin, env: opts.env }) + "\n");
    return new Promise<ExecResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.stream.write(JSON.stringify({ kill: id }) + "\n");
        reject(
          new BacksideError("TIMEOUT", `exec '${cmd.join(" ")}' did not finish within ${timeoutMs} ms`, {
            details: { cmd },
          }),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Ends the agent (its stdin closes) and whatever it still runs. */
  close(): void {
    if (this.ended) return;
    this.fail("the node's exec channel was closed");
    this.stream.end();
    this.stream.destroy();
  }
}

/**
 * Runs a stand-in program so that a reused topology can reset it in place, in the same process:
 * the container's process (the host, the bundle on the main thread) runs the program in a worker
 * thread of the same bundle and, on `POST /reset` to 127.0.0.1:9001 with the next configuration
 * as its body, stops that worker, removes what the program wrote (the folders in env
 * `BACKSIDE_STATE_DIRS`), writes the configuration to /run/backside/<role>.json (which the
 * program reads first), prints `entry: reset: <role> restarted (n, in process)` (where the
 * harness cuts the node's output) and starts the program in a new worker. It answers once the
 * new program is ready, so the caller needs no poll.
 *
 * A new worker is a new V8 isolate with its own event loop: nothing of the old program survives
 * (no cache, timer, pooled connection, log buffer or failure record; the old worker's sockets
 * close with it). Loading the bundle is most of a program's start on a loaded machine (a second
 * or more), so the next worker is loaded ahead, while the current program serves, and waits
 * with nothing started until a reset hands it the configuration. SIGTERM/SIGINT stop the
 * program and end the process; a program that ends by itself ends the process with its exit
 * code, as a program run directly would.
 */
import { rmSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { once } from "node:events";
import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { isBacksideError, oneLine } from "../../errors.js";
import { startControlServer } from "./control-server.js";
import { resetConfigFile } from "./load-config.js";

/** The host's control port, on loopback (the programs' own control APIs are on 9000). */
export const HOST_PORT = 9001;
/** How long a program may take to stop before its worker is terminated. */
const STOP_MS = 5_000;
/** How long a program may take to be ready once started (its bundle loading included). */
const READY_MS = 30_000;

type Stop = () => Promise<void>;

/**
 * The entry of a stand-in bundle: on the main thread the host, in a worker the program itself
 * (`start` brings it up and returns how to stop it). `url` is the bundle's own import.meta.url.
 */
export function runStandin(url: string, role: string, start: () => Promise<Stop>): void {
  if (isMainThread) void host(url, role);
  else parentPort?.once("message", (m) => m === "start" && void program(role, start));
}

/** A bad configuration exits 3 with the field named; anything else unexpected exits 70. */
async function program(role: string, start: () => Promise<Stop>): Promise<void> {
  let stop: Stop;
  try {
    stop = await start();
  } catch (e) {
    process.stderr.write(`${role}: ${oneLine(e)}\n`);
    const code = (e as { exitCode?: unknown }).exitCode;
    process.exit(isBacksideError(e) ? e.exitCode : typeof code === "number" ? code : 70);
  }
  parentPort?.on("message", (m) => {
    if (m !== "stop") return;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  parentPort?.postMessage("ready");
}

interface Running {
  worker: Worker;
  exited: Promise<number>;
  ended: boolean;
  /** Both of the worker's output streams read to their end. */
  drained: Promise<void>;
}

/** A worker with the bundle loading: it starts nothing until it is sent "start". */
function loadWorker(url: string): Running {
  const worker = new Worker(new URL(url), { stdout: true, stderr: true });
  worker.stdout.pipe(process.stdout, { end: false });
  worker.stderr.pipe(process.stderr, { end: false });
  const drain = (s: NodeJS.ReadableStream) => once(s, "end").then(() => undefined);
  const r: Running = {
    worker,
    ended: false,
    exited: new Promise((resolve) => worker.once("exit", resolve)),
    drained: Promise.all([drain(worker.stdout), drain(worker.stderr)]).then(() => undefined),
  };
  void r.exited.then(() => (r.ended = true));
  return r;
}

/** Starts the program in `r` and resolves once it is ready; rejects if it ends first. */
async function begin(r: Running): Promise<void> {
  r.worker.postMessage("start");
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      once(r.worker, "message").then(([m]) => {
        if (m !== "ready") throw new Error(`program said ${JSON.stringify(m)} before it was ready`);
      }),
      r.exited.then((code) => {
        throw Object.assign(new Error(`program exited ${code} before it was ready`), { exitCode: code });
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`program not ready within ${READY_MS} ms`)), READY_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the program to stop, terminates its worker if it does not within STOP_MS. */
async function stopWorker(r: Running): Promise<number> {
  r.worker.postMessage("stop");
  const timer = setTimeout(() => void r.worker.terminate(), STOP_MS);
  const code = await r.exited;
  clearTimeout(timer);
  // Bounded: the streams end with the worker; a stream that does not is not waited on long.
  await Promise.race([r.drained, new Promise((resolve) => setTimeout(resolve, STOP_MS).unref())]);
  return code;
}

async function host(url: string, role: string): Promise<void> {
  let current = loadWorker(url);
  let next: Running | undefined;
  let resetting = false;
  let restarts = 0;
  const exitWith = (code: number) => process.exit(code);
  const stop = (signal: NodeJS.Signals) => {
    resetting = true;
    process.stderr.write(`${role}: ${signal}, stopping\n`);
    void next?.worker.terminate();
    stopWorker(current).then(
      () => exitWith(0),
      () => exitWith(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  // A program that ends by itself ends the container, as it did when run directly.
  const watch = (r: Running) =>
    void r.exited.then((code) => {
      if (!resetting && r === current) exitWith(code);
    });
  /** Starts `current`; a program that cannot start ends the process with its code. */
  const serve = async () => {
    try {
      await begin(current);
    } catch (e) {
      void current.worker.terminate();
      const code = (await current.exited) || 70;
      // After the answer to the reset that asked for it, if any: the container ends.
      setTimeout(() => exitWith(code), 200);
      throw e;
    }
    watch(current);
    next = loadWorker(url);
  };
  try {
    await serve();
  } catch (e) {
    process.stderr.write(`${role}: ${oneLine(e)}\n`);
    return;
  }
  const reset = async (config: unknown) => {
    resetting = true;
    await stopWorker(current);
    for (const dir of (process.env.BACKSIDE_STATE_DIRS ?? "").split(/\s+/).filter(Boolean))
      rmSync(dir, { recursive: true, force: true });
    const file = resetConfigFile(role);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(config ?? {}));
    restarts++;
    process.stdout.write(`entry: reset: ${role} restarted (${restarts}, in process)\n`);
    current = next && !next.ended ? next : loadWorker(url);
    next = undefined;
    await serve();
    resetting = false;
    return { role, restarts };
  };
  let chain: Promise<unknown> = Promise.resolve();
  await startControlServer({
    port: HOST_PORT,
    routes: [
      {
        method: "POST",
        path: "/reset",
        // One reset at a time: a second request waits for the first.
        handler: async ({ body }) => {
          const done = chain.then(() => reset(body));
          chain = done.catch(() => undefined);
          return { body: await done };
        },
      },
    ],
  });
}

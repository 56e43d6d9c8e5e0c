/**
 * Runs a stand-in program so that a reused topology can reset it in place, in the same process:
 * the container's process (the host, the bundle on the main thread) runs the program in a worker
 * thread of the same bundle and, on `POST /reset` to 127.0.0.1:9001 with the next configuration
 * as its body, stops that worker, removes what the program wrote (the folders in env
 * `BACKSIDE_STATE_DIRS`), prints `entry: reset: <role> restarted (n)` (where the harness cuts the
 * node's output) and starts a new worker, which reads the configuration from
 * /run/backside/<role>.json. It answers once the new program is ready, so the caller needs no
 * poll. A new worker is a new V8 isolate with its own event loop: nothing of the old program
 * survives (no cache, timer, pooled connection, log buffer or failure record; the old worker's
 * sockets are closed when it ends), and no new Node process is started, which is what a restart
 * cost on a loaded machine. SIGTERM/SIGINT stop the program and end the process; a program that
 * ends by itself ends the process with its exit code, as a program run directly would.
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
/** How long a new program may take to be ready. */
const READY_MS = 30_000;

type Stop = () => Promise<void>;

/**
 * The entry of a stand-in bundle: on the main thread the host, in a worker the program itself
 * (`start` brings it up and returns how to stop it). `url` is the bundle's own import.meta.url.
 */
export function runStandin(url: string, role: string, start: () => Promise<Stop>): void {
  if (isMainThread) void host(url, role);
  else void program(role, start);
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
  /** Both of the worker's output streams read to their end. */
  drained: Promise<void>;
}

function startWorker(url: string): Running {
  const worker = new Worker(new URL(url), { stdout: true, stderr: true });
  worker.stdout.pipe(process.stdout, { end: false });
  worker.stderr.pipe(process.stderr, { end: false });
  const ended = (s: NodeJS.ReadableStream) => once(s, "end").then(() => undefined);
  return {
    worker,
    exited: new Promise((resolve) => worker.once("exit", resolve)),
    drained: Promise.all([ended(worker.stdout), ended(worker.stderr)]).then(() => undefined),
  };
}

/** Resolves once the program is ready; rejects with its exit code's story if it ends first. */
async function ready(r: Running): Promise<void> {
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
  let current = startWorker(url);
  let resetting = false;
  let restarts = 0;
  const exitWith = (code: number) => process.exit(code);
  const stop = (signal: NodeJS.Signals) => {
    resetting = true;
    process.stderr.write(`${role}: ${signal}, stopping\n`);
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
  try {
    await ready(current);
  } catch (e) {
    process.stderr.write(`${role}: ${oneLine(e)}\n`);
    void current.worker.terminate();
    exitWith((await current.exited) || 70);
    return;
  }
  watch(current);
  let chain: Promise<unknown> = Promise.resolve();
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
    current = startWorker(url);
    try {
      await ready(current);
    } catch (e) {
      // No program left to serve: the container ends, as when a restarted program fails.
      void current.worker.terminate();
      const code = (await current.exited) || 70;
      setTimeout(() => exitWith(code), 200).unref();
      throw e;
    }
    resetting = false;
    watch(current);
    return { role, restarts };
  };
  await startControlServer({
    port: HOST_PORT,
    routes: [
      {
        method: "POST",
        path: "/reset",
        // One reset at a time: a second request waits for the first.
        handler: async ({ body }) => {
          const next = chain.then(() => reset(body));
          chain = next.catch(() => undefined);
          return { body: await next };
        },
      },
    ],
  });
}

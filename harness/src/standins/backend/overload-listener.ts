import { Worker } from "node:worker_threads";
import { BacksideError } from "../../errors.js";

/**
 * A listening socket whose accept queue fills and stays full, made without native code.
 *
 * libuv calls accept() from its event loop whenever the listening fd is readable, and Node has
 * no "stop accepting" switch (pauseOnConnect still accepts). So a worker thread calls
 * listen(backlog) and then blocks its own event loop in Atomics.wait: the kernel completes
 * handshakes into the accept queue until it holds backlog + 1 connections (sk_acceptq_is_full in
 * include/net/sock.h uses `>`), after which tcp_conn_request() (net/ipv4/tcp_input.c) drops
 * every new SYN and counts LINUX_MIB_LISTENOVERFLOWS. Waking the worker closes the listener;
 * the kernel resets the connections still queued (inet_csk_listen_stop).
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const net = require("node:net");
const { listeners, backlog, flag, holdMaxMs } = workerData;
const servers = [];
let ready = 0;
const fail = (e) => { parentPort.postMessage({ error: e.code || e.message }); process.exit(1); };
for (const l of listeners) {
  const s = net.createServer();
  s.on("error", fail);
  servers.push(s);
  s.listen({ host: l.host, port: l.port, backlog }, () => {
    if (++ready < listeners.length) return;
    parentPort.postMessage({ listening: servers.map((x) => x.address()) });
    // Blocks this thread's event loop: nothing calls accept() until woken or holdMaxMs.
    const r = Atomics.wait(flag, 0, 0, holdMaxMs);
    for (const x of servers) x.close();
    parentPort.postMessage({ released: r });
  });
}
`;

export interface OverloadListener extends AsyncDisposable {
  readonly addresses: { address: string; port: number }[];
  release(): Promise<void>;
}

export async function startOverloadListener(opts: {
  listeners: { host: string; port: number }[];
  backlog: number;
  holdMaxMs: number;
  readyTimeoutMs?: number;
}): Promise<OverloadListener> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...opts, flag } });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const addresses = await new Promise<{ address: string; port: number }[]>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new BacksideError("TIMEOUT", "overload listener did not start in time")),
      opts.readyTimeoutMs ?? 5000,
    );
    worker.on("message", (m: { listening?: { address: string; port: number }[]; error?: string }) => {
      if (m.listening) (clearTimeout(t), resolve(m.listening));
      if (m.error) (clearTimeout(t), reject(new BacksideError("RUNTIME", `overload listener: ${m.error}`)));
    });
    worker.once(
      "error",
      (e) => (
        clearTimeout(t),
        reject(new BacksideError("RUNTIME", `overload listener: ${e.message}`, { cause: e }))
      ),
    );
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      const t = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(t);
    })());
  return { addresses, release, [Symbol.asyncDispose]: release };
}

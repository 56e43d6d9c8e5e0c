import { captureBase, captureScript } from "./capture-script.js";
import { checkOptions, type CaptureOptions } from "./capture-options.js";
import { execFailed, type CaptureTarget, type ExecResult } from "./capture-target.js";
import { pollUntil } from "./poll.js";
import { shellQuote } from "./shell-quote.js";
import { interruptScript, removeScript, StartedCapture } from "./started-capture.js";
import { TcpdumpError } from "./tcpdump-error.js";

/**
 * Starts tcpdump on the target and resolves once it listens (its "listening on" line), so no
 * packet sent after this resolves is missed. A tcpdump that exits first (no such interface, a
 * filter it cannot compile, no permission) rejects with START_FAILED and what it printed; one
 * that never listens within `startTimeoutMs` is interrupted and rejects with TIMEOUT.
 */
export async function startCapture(target: CaptureTarget, options: CaptureOptions): Promise<StartedCapture> {
  const o = checkOptions(options);
  const base = captureBase({ dir: o.workDir, name: o.name });
  const capture = ["/bin/sh", "-c", captureScript({ ...o, dir: o.workDir })];
  const where = `${target.name}/${o.iface}`;
  let startFailed: TcpdumpError | undefined;
  const q = (suffix: string) => shellQuote(base + suffix);
  // The wait runs on the target (looks 10 ms apart, at most 2 s a call), so a start costs one
  // call after the spawn (none with spawnThen) whatever the latency of the exec; .done first:
  // once it exists, tcpdump has exited and .err holds all it said.
  const waitListening = shellQuote(
    `while [ ! -e "$0" ] && ! { [ -s "$1" ] && grep -q 'listening on' "$2" 2>/dev/null; }; do sleep 0.01; done`,
  );
  const slice = (Math.min(2_000, o.startTimeoutMs) / 1000).toFixed(3);
  const look =
    `timeout ${slice} /bin/sh -c ${waitListening} ${q(".done")} ${q(".pid")} ${q(".err")}\n` +
    `test -e ${q(".done")} && echo __DONE__; test -s ${q(".pid")} && echo __PID__; cat ${q(".err")} 2>/dev/null; true`;
  let spawned = false;
  const probe = async () => {
    const opts = { timeoutMs: 7_000 };
    let r: ExecResult;
    if (spawned) r = await target.exec(["/bin/sh", "-c", look], opts);
    else if (target.spawnThen) {
      r = await target.spawnThen(capture, look, opts);
      spawned = true;
      if (r.exitCode !== 0) throw execFailed(target.name, "starting tcpdump", r);
    } else {
      await target.spawn(capture);
      spawned = true;
      r = await target.exec(["/bin/sh", "-c", look], opts);
    }
    if (r.stdout.includes("__DONE__")) {
      const why = r.stdout
        .replace(/__PID__|__DONE__/g, "")
        .trim()
        .split("\n")
        .filter(Boolean)
        .join("; ");
      startFailed = new TcpdumpError(
        "START_FAILED",
        `tcpdump on ${where} exited: ${why || "without a word"}`,
      );
      return true;
    }
    return r.stdout.includes("listening on") && r.stdout.includes("__PID__");
  };
  try {
    await pollUntil(probe, `tcpdump on ${where} to listen`, o.startTimeoutMs);
    if (startFailed) throw startFailed;
  } catch (e) {
    await target
      .exec(["/bin/sh", "-c", `${interruptScript(base)}; ${removeScript(base)}`], { timeoutMs: 5_000 })
      .catch(() => undefined);
    throw e;
  }
  return new StartedCapture(target, o.name, o.iface, o.file, o.workDir, o.stopTimeoutMs, o.removeFiles);
}

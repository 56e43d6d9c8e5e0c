import type { CaptureOptions } from "./capture-options.js";
import { shellQuote } from "./shell-quote.js";

export type ScriptOptions = Pick<
  CaptureOptions,
  "iface" | "filter" | "maxBytes" | "maxSeconds" | "maxPackets" | "snaplen" | "bufferKiB"
> & {
  /** The capture's files are `<dir>/<name>.pcap`, `.pid`, `.err`, `.rc`, `.done` (and `.fifo`, `.tpid`). */
  dir: string;
  name: string;
};

/** Every file a capture leaves on the target, by suffix. */
export const CAPTURE_FILES = [".pcap", ".fifo", ".err", ".rc", ".done", ".pid", ".tpid"] as const;

/** The path stem of a capture's files on the target. */
export function captureBase(o: { dir: string; name: string }): string {
  return `${o.dir.replace(/\/+$/, "")}/${o.name}`;
}

/**
 * The shell script that runs tcpdump in the background and leaves its state in files beside the
 * pcap: the pid (for SIGINT), stderr ("listening on", the summary), the exit status, and `.done`
 * once everything has been written. Exported for tests.
 */
export function captureScript(o: ScriptOptions): string {
  const base = captureBase(o);
  const q = (suffix: string) => shellQuote(base + suffix);
  // -n: never resolve names (a capture must not add DNS traffic of its own); -Z root: Debian's
  // tcpdump drops to user tcpdump before opening the file, which could then not write there
  // (ignored when not run as root). --immediate-mode: without it libpcap batches packets in the
  // kernel ring and a SIGINT soon after a short exchange loses the last ones (seen: "10 received
  // by filter, 4 captured"). -U: each packet is written out as it arrives.
  const args = ["tcpdump", "-n", "-U", "--immediate-mode", "-Z", "root", "-i", o.iface];
  if (o.snaplen) args.push("-s", String(o.snaplen));
  if (o.bufferKiB) args.push("-B", String(o.bufferKiB));
  if (o.maxPackets) args.push("-c", String(o.maxPackets));
  args.push("-w", base + (o.maxBytes ? ".fifo" : ".pcap"));
  // `--`: a filter is never read as one of tcpdump's options, whatever it starts with.
  if (o.filter) args.push("--", o.filter);
  // `timeout` passes SIGINT on to tcpdump, so stop() works the same with or without it. The
  // shell in between writes tcpdump's own pid (`exec` keeps it) to .tpid, for the signals that
  // must reach tcpdump itself (SIGUSR1 would end `timeout`).
  const own = ["/bin/sh", "-c", 'echo $$ > "$0"; exec "$@"', `${base}.tpid`];
  const cmd = [...(o.maxSeconds ? ["timeout", "-s", "INT", String(o.maxSeconds)] : []), ...own, ...args]
    .map(shellQuote)
    .join(" ");
  const lines = [`mkdir -p ${shellQuote(o.dir)}`, `rm -f ${CAPTURE_FILES.map(q).join(" ")}`];
  if (o.maxBytes) {
    // head keeps the first maxBytes and exits; tcpdump then dies of SIGPIPE, which is fine: the
    // file is cut, never rotated, and a cut capture is still readable up to its last whole packet.
    lines.push(`mkfifo ${q(".fifo")}`, `head -c ${o.maxBytes} < ${q(".fifo")} > ${q(".pcap")} &`, "h=$!");
  }
  lines.push(`${cmd} 2> ${q(".err")} &`, `echo $! > ${q(".pid")}`, "wait $!", `echo $? > ${q(".rc")}`);
  if (o.maxBytes) lines.push("wait $h");
  lines.push(`touch ${q(".done")}`);
  return lines.join("\n");
}

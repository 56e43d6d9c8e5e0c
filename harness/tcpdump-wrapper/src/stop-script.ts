import { shellQuote } from "./shell-quote.js";

/**
 * Drain: asks tcpdump for its count (SIGUSR1; it answers "tcpdump: N packets captured, ..." on
 * stderr) until two answers agree. On SIGINT tcpdump leaves its loop at once and what is still in
 * the kernel's ring is lost (seen on a loaded machine: "0 packets captured, 48 packets received by
 * filter"); an answer proves tcpdump ran, and it reads the ring before it sleeps again, so two
 * equal answers mean nothing was left to read. Each answer is awaited at most 2 s, and the drain
 * gives up quietly when tcpdump is gone or silent. Arguments: $0 .err, $1 .tpid, $2 .rc.
 */
const DRAIN = [
  "prev=none",
  "i=0",
  'while [ $i -lt 20 ] && [ ! -e "$2" ]; do',
  "  i=$((i + 1))",
  `  n=$(grep -c 'packets captured' "$0")`,
  '  kill -USR1 "$(cat "$1" 2>/dev/null)" 2>/dev/null || break',
  `  timeout 2 /bin/sh -c 'while [ "$(grep -c "packets captured" "$0")" -le "$1" ] && [ ! -e "$2" ]; do sleep 0.01; done' "$0" "$n" "$2" || break`,
  `  v=$(grep -o '[0-9]* packets\\{0,1\\} captured' "$0" | tail -n 1 | cut -d' ' -f1)`,
  '  [ "$v" = "$prev" ] && break',
  "  prev=$v",
  "done",
].join("\n");

/**
 * The whole stop in one exec: drain (at most 5 s), SIGINT to the capture (tcpdump writes what it
 * holds and its summary), then wait for `.done` at most `timeoutMs`. Prints "stopped" or "timeout".
 */
export function stopScript(base: string, timeoutMs: number): string {
  const f = (suffix: string) => shellQuote(base + suffix);
  const waitDone = `while [ ! -e "$0" ]; do sleep 0.02; done`;
  return [
    `[ -e ${f(".done")} ] || timeout 5 /bin/sh -c ${shellQuote(DRAIN)} ${f(".err")} ${f(".tpid")} ${f(".rc")}`,
    `kill -INT "$(cat ${f(".pid")} 2>/dev/null)" 2>/dev/null`,
    `timeout ${Math.ceil(timeoutMs / 1000)} /bin/sh -c ${shellQuote(waitDone)} ${f(".done")} && echo stopped || echo timeout`,
  ].join("\n");
}

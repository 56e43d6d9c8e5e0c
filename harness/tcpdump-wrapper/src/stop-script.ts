import { shellQuote } from "./shell-quote.js";

/**
 * Drain: asks tcpdump for its count (SIGUSR1; it answers "tcpdump: N packets captured, ..." on
 * stderr, "1 packet captured" for one) until two answers agree. On SIGINT tcpdump leaves its loop
 * at once and what is still in the kernel's ring is lost (seen on a loaded machine: "0 packets
 * captured, 48 packets received by filter"); an answer proves tcpdump ran, and it reads the ring
 * before it sleeps again, so two equal answers mean nothing was left to read. Each answer is
 * awaited at most about 2 s (200 looks 10 ms apart), and the drain gives up quietly when tcpdump
 * is gone or silent. The loop runs few processes (one grep a look), since on a loaded machine
 * each costs milliseconds. Arguments: $0 .err, $1 .tpid, $2 .rc.
 */
const DRAIN = [
  'pid=$(cat "$1" 2>/dev/null)',
  '[ -n "$pid" ] || exit 0',
  "prev=none",
  "i=0",
  'while [ $i -lt 20 ] && [ ! -e "$2" ]; do',
  "  i=$((i + 1))",
  `  n=$(grep -c 'captured, ' "$0")`,
  '  kill -USR1 "$pid" 2>/dev/null || break',
  "  j=0",
  `  while [ "$(grep -c 'captured, ' "$0")" -le "$n" ] && [ ! -e "$2" ] && [ $j -lt 200 ]; do sleep 0.01; j=$((j + 1)); done`,
  "  [ $j -lt 200 ] || break",
  `  v=$(grep 'captured, ' "$0" | tail -n 1)`,
  "  v=${v%% packet*}",
  '  [ "$v" = "$prev" ] && break',
  "  prev=$v",
  "done",
].join("\n");

/** Marks the summary in a stop's output: what follows is tcpdump's stderr, then `rc=<status>`. */
export const SUMMARY_MARK = "--- summary ---";

/**
 * The whole stop in one exec: drain (at most 5 s), SIGINT to the capture (tcpdump writes what it
 * holds and its summary), then wait for `.done` at most `timeoutMs`. Prints "stopped" or
 * "timeout"; after "stopped", SUMMARY_MARK, tcpdump's stderr and `rc=<exit status>`, so the
 * summary needs no call of its own.
 */
export function stopScript(base: string, timeoutMs: number): string {
  const f = (suffix: string) => shellQuote(base + suffix);
  const waitDone = `while [ ! -e "$0" ]; do sleep 0.01; done`;
  return [
    `[ -e ${f(".done")} ] || timeout 5 /bin/sh -c ${shellQuote(DRAIN)} ${f(".err")} ${f(".tpid")} ${f(".rc")}`,
    `kill -INT "$(cat ${f(".pid")} 2>/dev/null)" 2>/dev/null`,
    `timeout ${Math.ceil(timeoutMs / 1000)} /bin/sh -c ${shellQuote(waitDone)} ${f(".done")} || { echo timeout; exit 0; }`,
    "echo stopped",
    `echo ${shellQuote(SUMMARY_MARK)}`,
    `cat ${f(".err")}`,
    `echo; echo "rc=$(cat ${f(".rc")})"`,
  ].join("\n");
}

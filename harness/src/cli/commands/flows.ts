/**
 * `backside flows --pcap F [--pcap F...] [--format text|json] [-C] [--zeek-attempts]`: the flow
 * analysis of one or more captures — connections with Zeek's conn_state and history, DNS
 * transactions, ICMP errors joined to their flows, TLS alerts, unanswered ARP, and problems.
 * Exit codes: 0 read (problems are reported, not fatal), 2 usage, 3 not a capture / not found.
 */
import { BacksideError } from "../../errors.js";
import { analyzeCapture } from "../../flows/analyze.js";
import { formatFlowSummary } from "../../flows/format-text.js";

export const summary =
  "read captures and print connections (Zeek conn_state/history), DNS, ICMP errors, TLS alerts";

const HELP = `usage: backside flows --pcap FILE [--pcap FILE...] [--format text|json] [-C] [--zeek-attempts]

  --pcap FILE        a pcap or pcapng capture (repeatable; each capture keeps its own flows)
  --format F         text (default, Zeek-like columns) or json (the FlowSummary)
  -C                 ignore checksums, like zeek -C (captures taken on the sending host)
  --zeek-attempts    split unanswered connection attempts after 5 s, as Zeek's tcp_attempt_delay does

Exit codes: 0 done (problems in the capture are listed, not fatal), 2 usage, 3 unreadable capture.`;

export async function run(argv: string[]): Promise<number> {
  const pcaps: string[] = [];
  let format: "text" | "json" = "text";
  let ignoreChecksums = false;
  let attemptTimeout: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(HELP + "\n");
      return 0;
    } else if (a === "--pcap") {
      const f = argv[++i];
      if (!f) throw new BacksideError("USAGE", "flows: --pcap needs a file");
      pcaps.push(f);
    } else if (a.startsWith("--pcap=")) {
      if (a.length === 7) throw new BacksideError("USAGE", "flows: --pcap needs a file");
      pcaps.push(a.slice(7));
    } else if (a === "--format" || a.startsWith("--format=")) {
      const f = a.includes("=") ? a.slice(9) : argv[++i];
      if (f !== "text" && f !== "json")
        throw new BacksideError("USAGE", `flows: --format must be text or json, not '${f ?? ""}'`);
      format = f;
    } else if (a === "-C") ignoreChecksums = true;
    else if (a === "--zeek-attempts") attemptTimeout = 5;
    else
      throw new BacksideError("USAGE", `flows: unknown option '${a}'`, {
        hint: "run `backside flows --help`",
      });
  }
  if (pcaps.length === 0)
    throw new BacksideError("USAGE", "flows: give at least one --pcap FILE", {
      hint: "run `backside flows --help`",
    });
  const s = await analyzeCapture(pcaps, { ignoreChecksums, attemptTimeout });
  process.stdout.write(format === "json" ? JSON.stringify(s, null, 2) + "\n" : formatFlowSummary(s));
  return 0;
}

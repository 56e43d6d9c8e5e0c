/**
 * `backside flows --pcap F [--pcap F...] [--format text|json] [-C] [--zeek-attempts]`: the flow
 * analysis of one or more captures — connections with Zeek's conn_state and history, DNS
 * transactions, ICMP errors joined to their flows, TLS alerts, unanswered ARP, and problems.
 * A capture taken on the sending host (every wrong checksum left for the NIC) is read as with -C,
 * and says so on stderr.
 * Exit codes: 0 read (problems are reported, not fatal), 2 usage, 3 not a capture / not found,
 * 4 no usable temporary folder (TMPDIR).
 */
import { BacksideError } from "../../errors.js";
import { checksumCensus, isSendingHostCapture } from "../../flows/checksum-offload.js";
import { streamFlows } from "../../flows/stream-flows.js";
import { FORMAT_OPTIONS, formatOf, helpText, parseOptions, type OptionTable } from "../options.js";

/** The JSON form: FlowSummary (flows/types.ts), whose lists are always present, under a schema name. */
export const FLOWS_SCHEMA = "backside.flows.v1";

export const summary =
  "read captures and print connections (Zeek conn_state/history), DNS, ICMP errors, TLS alerts";

export const options = {
  pcap: {
    type: "string",
    metavar: "FILE",
    multiple: true,
    help: "a pcap or pcapng capture (each capture keeps its own flows)",
  },
  ...FORMAT_OPTIONS,
  "ignore-checksums": {
    type: "boolean",
    short: "C",
    help: "ignore checksums, like zeek -C (found by itself for captures taken on the sending host)",
  },
  "zeek-attempts": {
    type: "boolean",
    help: "split unanswered connection attempts after 5 s, as Zeek's tcp_attempt_delay does",
  },
} satisfies OptionTable;

export const help = helpText(
  "usage: backside flows --pcap FILE [--pcap FILE...] [--format text|json] [-C] [--zeek-attempts]",
  options,
  "Exit codes: 0 done (problems in the capture are listed, not fatal), 2 usage, 3 unreadable capture, 4 no usable TMPDIR.",
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions("flows", options, argv);
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const o = parsed.values;
  const pcaps = o.pcap ?? [];
  if (pcaps.length === 0)
    throw new BacksideError("USAGE", "flows: give at least one --pcap FILE", {
      hint: "run `backside flows --help`",
    });
  const attemptTimeout = o["zeek-attempts"] ? 5 : null;
  const ignoreChecksums = o["ignore-checksums"] === true || (await offloadedOnly(pcaps));
  // Written as connections end (flows/stream-flows.ts): a big capture's document is never held.
  await streamFlows(pcaps, { ignoreChecksums, attemptTimeout }, formatOf(o), FLOWS_SCHEMA, process.stdout);
  return 0;
}

/**
 * Whether every wrong checksum in the captures was left for the NIC (then they are read as with
 * -C, said on stderr). Decided before the analysis, whose records are written out as it goes: a
 * reading pass of the checksums alone costs about a tenth of the analysis.
 */
async function offloadedOnly(pcaps: string[]): Promise<boolean> {
  const census = await checksumCensus(pcaps);
  if (isSendingHostCapture(census)) {
    process.stderr.write(
      `backside: flows: ${census.offloaded} TCP/UDP checksums (from ${census.senders.join(", ")}) hold only the ` +
        "pseudo-header sum: taken on the sending host with checksum offloading, so checksums are ignored as with -C\n",
    );
    return true;
  }
  if (census.corrupt > 0)
    process.stderr.write(
      `backside: flows: ${census.corrupt} packets have wrong checksums that offloading does not explain; ` +
        "they are left out (-C keeps them)\n",
    );
  return false;
}

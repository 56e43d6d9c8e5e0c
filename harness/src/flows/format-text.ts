/** Plain-text rendering of a FlowSummary, with Zeek-like columns (for `backside flows`). */
import type {
  CaptureInfo,
  DatagramConnection,
  DnsTransaction,
  FlowSummary,
  TcpConnection,
  TlsInfo,
} from "./types.js";

const t = (x: number) => x.toFixed(6);

export function formatFlowSummary(s: FlowSummary): string {
  return flowSummaryLines(s).join("\n") + "\n";
}

/** Appends one by one: a spread into push() of a few hundred thousand lines overflows the stack. */
function append(out: string[], lines: readonly string[]): void {
  for (const l of lines) out.push(l);
}

/**
 * The connection table's columns and the width each is padded to: fixed, so that a row can be
 * written as its connection ends (`backside flows` streams them) and still line up with the
 * header. A longer value (an IPv6 address, a long history) pushes the rest of its row along.
 */
const CONN_COLUMNS: [string, number][] = [
  ["uid", 8],
  ["ts", 17],
  ["orig_h", 15],
  ["orig_p", 6],
  ["resp_h", 15],
  ["resp_p", 6],
  ["proto", 5],
  ["duration", 8],
  ["conn_state", 10],
  ["history", 10],
  ["orig_pkts", 9],
  ["resp_pkts", 9],
  ["orig_bytes", 10],
  ["resp_bytes", 10],
  ["notes", 0],
];

function fixedRow(cells: readonly string[], columns: [string, number][] = CONN_COLUMNS): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(columns[i][1])))
    .join("  ")
    .trimEnd();
}

/** The connection table's header line. */
export function connectionHeader(): string {
  return fixedRow(CONN_COLUMNS.map(([name]) => name));
}

/** A TCP connection's line of the connection table. */
export function tcpLine(c: TcpConnection): string {
  const notes: string[] = [];
  if (c.syns.length > 1)
    notes.push(`SYN x${c.syns.length} gaps ${c.synGaps.map((g) => g.toFixed(2)).join("/")}s`);
  if (c.handshakeRtt !== null) notes.push(`rtt ${(c.handshakeRtt * 1000).toFixed(2)}ms`);
  if (c.responseDelay !== null) notes.push(`resp after ${c.responseDelay.toFixed(3)}s`);
  if (c.closedBy) notes.push(`closed by ${c.closedBy.by} ${c.closedBy.how}`);
  if (c.tls?.lastAlert) notes.push(`tls alert ${c.tls.lastAlert}`);
  if (c.icmpErrors.length) notes.push(`icmp ${c.icmpErrors.map((i) => `#${i}`).join(",")}`);
  return fixedRow([...commonCells(c, "tcp"), notes.join("; ")]);
}

/** A UDP, ICMP or other datagram flow's line of the connection table. */
export function datagramLine(c: DatagramConnection): string {
  const notes = c.icmpErrors.length ? `icmp ${c.icmpErrors.map((i) => `#${i}`).join(",")}` : "";
  return fixedRow([...commonCells(c, c.id.proto), notes]);
}

function commonCells(c: TcpConnection | DatagramConnection, proto: string): string[] {
  return [
    c.uid,
    t(c.start),
    c.id.origH,
    String(c.id.origP),
    c.id.respH,
    String(c.id.respP),
    proto,
    c.duration.toFixed(3),
    c.connState,
    c.history || "-",
    String(c.origPkts),
    String(c.respPkts),
    String(c.origBytes),
    String(c.respBytes),
  ];
}

/** A capture's line: its file, format, link types and packets. */
export function captureLine(c: CaptureInfo): string {
  return `# capture ${c.path}: ${c.format}, link types ${c.linkTypes.join(",") || "-"}, ${c.packets} packets${c.truncated ? " (truncated)" : ""}`;
}

/** A TLS connection's line of the tls section. */
export function tlsLine(x: TlsInfo): string {
  const alerts = x.alerts
    .map((a) => `${a.dir}:${a.descriptionName ?? "encrypted"}${a.level === 2 ? "(fatal)" : ""}`)
    .join(", ");
  return `${x.uid} sni=${x.serverName ?? "-"} handshake=${x.handshake.map((h) => `${h.dir === "orig" ? "C" : "S"}:${h.typeName}`).join(",") || "-"} alerts=${alerts || "-"} established=${x.established ? "T" : "F"}`;
}

/** The same text as lines, for a writer that sends a big capture's text in pieces. */
export function flowSummaryLines(s: FlowSummary): string[] {
  const out: string[] = [];
  for (const c of s.captures) out.push(captureLine(c));
  out.push("", "## connections", connectionHeader());
  for (const c of s.tcp) out.push(tcpLine(c));
  for (const c of s.datagrams) out.push(datagramLine(c));
  append(out, sectionLines(s));
  if (s.tls.length) {
    out.push("", "## tls");
    for (const x of s.tls) out.push(tlsLine(x));
  }
  append(out, problemLines(s.problems));
  return out;
}

/** The DNS table's columns and their fixed widths (as CONN_COLUMNS: a streamed row lines up too). */
const DNS_COLUMNS: [string, number][] = [
  ["client", 21],
  ["server", 21],
  ["id", 5],
  ["query", 24],
  ["qtype", 5],
  ["tries", 5],
  ["rcode", 13],
  ["rejected", 8],
  ["rtt", 8],
  ["answers", 0],
];

/** The DNS section's heading lines (a blank line, the heading, the column names). */
export function dnsHeading(): string[] {
  return [
    "",
    "## dns",
    fixedRow(
      DNS_COLUMNS.map(([name]) => name),
      DNS_COLUMNS,
    ),
  ];
}

/** A DNS transaction's line of the DNS table. */
export function dnsLine(d: DnsTransaction): string {
  return fixedRow(
    [
      `${d.client}:${d.clientPort}`,
      `${d.server}:${d.serverPort}`,
      String(d.id),
      d.query ?? "-",
      d.qtypeName ?? "-",
      String(d.queries.length),
      d.rcodeName ?? "(no response)",
      d.rejected ? "T" : "F",
      d.rtt === null ? "-" : `${(d.rtt * 1000).toFixed(1)}ms`,
      d.answers
        .filter((a) => a.section === "answer")
        .map((a) => `${a.data} ttl=${a.ttl}`)
        .join(", ") || "-",
    ],
    DNS_COLUMNS,
  );
}

/**
 * The sections between the connection table and the TLS one: DNS, ICMP errors, unanswered ARP
 * (a streaming writer keeps the DNS and TLS lines aside as they end and copies them in).
 */
export function sectionLines(s: Pick<FlowSummary, "dns" | "icmp" | "arp">): string[] {
  const out: string[] = [];
  if (s.dns.length) {
    append(out, dnsHeading());
    for (const d of s.dns) out.push(dnsLine(d));
  }
  append(out, icmpArpLines(s));
  return out;
}

/** The ICMP errors and unanswered ARP sections. */
export function icmpArpLines(s: Pick<FlowSummary, "icmp" | "arp">): string[] {
  const out: string[] = [];
  if (s.icmp.length) {
    out.push("", "## icmp errors");
    for (const e of s.icmp) {
      const q = e.quote
        ? `${e.quote.proto} ${e.quote.src}:${e.quote.srcPort} > ${e.quote.dst}:${e.quote.dstPort}${e.quote.incompleteTransport ? " (partial quote)" : ""}`
        : "no quote";
      out.push(
        `#${e.index} ${t(e.ref.ts)} pkt ${e.ref.n} ${e.v6 ? "icmp6" : "icmp"} ${e.kind} type ${e.type} code ${e.code} from ${e.sender} to ${e.receiver} ttl ${e.ttl}; quotes ${q}; flow ${e.flowUid ?? "-"}`,
      );
    }
  }
  if (s.arp.length) {
    out.push("", "## unanswered arp");
    for (const a of s.arp)
      out.push(
        `who-has ${a.targetIp} tell ${a.senderIp} (${a.senderMac}) x${a.requests.length}, first ${t(a.requests[0].ts)}`,
      );
  }
  return out;
}

/** The last section: the problems the analysis met, if any. */
export function problemLines(problems: FlowSummary["problems"]): string[] {
  const out: string[] = [];
  if (problems.length) {
    out.push("", "## problems");
    for (const p of problems)
      out.push(
        `${p.kind} capture ${p.capture}${p.packet !== null ? ` pkt ${p.packet}` : ""}${p.offset !== null ? ` offset ${p.offset}` : ""}: ${p.message}`,
      );
  }
  return out;
}

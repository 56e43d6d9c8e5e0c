/**
 * `backside flows` written as the analysis goes: each connection's record leaves as its
 * connection ends (the order of Zeek's conn.log), so memory follows the flows open at once, not
 * the capture. What a stream cannot place yet waits in a spool on disk (util/spool.ts): in JSON
 * the datagram flows, TLS records and DNS transactions (their lists follow the TCP list), in text
 * the DNS and TLS lines. What is known only at the end comes last: the captures (packets,
 * truncation), ICMP errors, unanswered ARP and problems.
 */
import type { Writable } from "node:stream";
import type { CaptureSource } from "../pcap/reader.js";
import { Spool } from "../util/spool.js";
import { jsonListItem, writeJsonMembers } from "../util/write-json-document.js";
import { pieceWriter, type PieceWriter } from "../util/write-lines.js";
import { analyzeCapture } from "./analyze.js";
import {
  captureLine,
  connectionHeader,
  datagramLine,
  dnsHeading,
  dnsLine,
  icmpArpLines,
  problemLines,
  tcpLine,
  tlsLine,
} from "./format-text.js";
import type {
  AnalyzeOptions,
  DatagramConnection,
  DnsTransaction,
  FlowSummary,
  TcpConnection,
} from "./types.js";

export async function streamFlows(
  sources: CaptureSource[],
  opts: AnalyzeOptions,
  format: "json" | "text",
  schema: string,
  out: Writable,
): Promise<void> {
  const w = pieceWriter(out);
  // Text writes datagram flows in the connection table as they end: no spool for them.
  const spools: Spools =
    format === "json"
      ? { datagrams: new Spool(), tls: new Spool(), dns: new Spool() }
      : { tls: new Spool(), dns: new Spool() };
  try {
    if (format === "json") await streamJson(sources, opts, schema, w, spools, out);
    else await streamText(sources, opts, w, spools, out);
  } finally {
    for (const spool of Object.values(spools)) spool?.close();
  }
}

type Spools = { datagrams?: Spool; tls: Spool; dns: Spool };

/** What was written so far, then the spool's text after it. */
async function pour(w: PieceWriter, spool: Spool, out: Writable): Promise<void> {
  await w.end();
  await spool.copyTo(out);
}

async function streamJson(
  sources: CaptureSource[],
  opts: AnalyzeOptions,
  schema: string,
  w: PieceWriter,
  spools: Spools,
  out: Writable,
): Promise<void> {
  let tcp = 0;
  w.add(`{\n  "schema": ${JSON.stringify(schema)},\n  "tcp": [`);
  const item = (n: number, x: unknown) => `${n === 0 ? "\n" : ",\n"}${jsonListItem(x)}`;
  const onTcp = (c: TcpConnection) => {
    w.add(item(tcp++, c));
    if (c.tls) spools.tls.add(item(spools.tls.count, c.tls));
  };
  const dg = spools.datagrams!;
  const onDatagram = (c: DatagramConnection) => dg.add(item(dg.count, c));
  const onDns = (t: DnsTransaction) => spools.dns.add(item(spools.dns.count, t));
  const s = await analyzeCapture(sources, opts, {
    tcp: onTcp,
    datagrams: onDatagram,
    dns: onDns,
    afterChunk: w.drained,
  });
  w.add(tcp === 0 ? "]" : "\n  ]");
  for (const [key, spool] of [
    ["datagrams", dg],
    ["tls", spools.tls],
    ["dns", spools.dns],
  ] as const) {
    w.add(`,\n  ${JSON.stringify(key)}: ${spool.count === 0 ? "[]" : "["}`);
    if (spool.count === 0) continue;
    await pour(w, spool, out);
    w.add("\n  ]");
  }
  await writeJsonMembers(w, tail(s), false);
  await w.end();
}

async function streamText(
  sources: CaptureSource[],
  opts: AnalyzeOptions,
  w: PieceWriter,
  { tls, dns }: Spools,
  out: Writable,
): Promise<void> {
  w.add(`## connections\n${connectionHeader()}\n`);
  const onTcp = (c: TcpConnection) => {
    w.add(tcpLine(c) + "\n");
    if (c.tls) tls.add(tlsLine(c.tls) + "\n");
  };
  const onDatagram = (c: DatagramConnection) => w.add(datagramLine(c) + "\n");
  const onDns = (t: DnsTransaction) => dns.add(dnsLine(t) + "\n");
  const s = await analyzeCapture(sources, opts, {
    tcp: onTcp,
    datagrams: onDatagram,
    dns: onDns,
    afterChunk: w.drained,
  });
  if (dns.count > 0) {
    for (const l of dnsHeading()) await w.put(l + "\n");
    await pour(w, dns, out);
  }
  for (const l of icmpArpLines(s)) await w.put(l + "\n");
  if (tls.count > 0) {
    await w.put("\n## tls\n");
    await pour(w, tls, out);
  }
  for (const l of problemLines(s.problems)) await w.put(l + "\n");
  await w.put("\n");
  for (const c of s.captures) await w.put(captureLine(c) + "\n");
  await w.end();
}

/** What the JSON document holds after the lists that were streamed. */
function tail(s: FlowSummary): Record<string, unknown> {
  return {
    captures: s.captures,
    packets: s.packets,
    icmp: s.icmp,
    arp: s.arp,
    problems: s.problems,
  };
}

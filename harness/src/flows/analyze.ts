/**
 * `analyzeCapture`: read one or more captures and return the FlowSummary. Reading streams with a
 * fixed buffer; memory grows with the number of flows, not with the file size.
 */
import { readCapture, type CaptureSource } from "../pcap/reader.js";
import { FlowAnalyzer, type DatagramSink, type DnsSink, type TcpSink } from "./analyzer.js";
import type { AnalyzeOptions, FlowSummary } from "./types.js";

export async function analyzeCapture(
  sources: CaptureSource | CaptureSource[],
  opts: AnalyzeOptions = {},
  sink: TcpSink | null = null,
  datagramSink: DatagramSink | null = null,
  dnsSink: DnsSink | null = null,
): Promise<FlowSummary> {
  const list = Array.isArray(sources) ? sources : [sources];
  // With a sink, each TCP record goes to it as its connection ends and summary.tcp stays empty;
  // likewise the datagram flows and summary.datagrams, and the DNS transactions and summary.dns.
  const a = new FlowAnalyzer(opts, sink, datagramSink, dnsSink);
  for (let i = 0; i < list.length; i++) {
    const { info, problems } = await readCapture(list[i], (p) => a.packet(p), { capture: i });
    a.noteCapture(info);
    for (const p of problems) a.problem(p);
  }
  return a.finish();
}

/**
 * `analyzeCapture`: read one or more captures and return the FlowSummary. Reading streams with a
 * fixed buffer; memory grows with the number of flows, not with the file size.
 */
import { readCapture, type CaptureSource } from "../pcap/reader.js";
import { FlowAnalyzer, type DatagramSink, type DnsSink, type TcpSink } from "./analyzer.js";
import type { AnalyzeOptions, FlowSummary } from "./types.js";

/**
 * Where records go instead of the summary, each as it ends: with `tcp`, summary.tcp stays empty;
 * likewise `datagrams` and summary.datagrams, `dns` and summary.dns. `afterChunk` is awaited after
 * each chunk of a capture (a sink that writes its records out holds the reading there until they
 * drain).
 */
export interface AnalyzeSinks {
  tcp?: TcpSink | null;
  datagrams?: DatagramSink | null;
  dns?: DnsSink | null;
  afterChunk?: () => Promise<void> | void;
}

export async function analyzeCapture(
  sources: CaptureSource | CaptureSource[],
  opts: AnalyzeOptions = {},
  sinks: AnalyzeSinks = {},
): Promise<FlowSummary> {
  const list = Array.isArray(sources) ? sources : [sources];
  const a = new FlowAnalyzer(opts, sinks.tcp ?? null, sinks.datagrams ?? null, sinks.dns ?? null);
  const afterChunk = sinks.afterChunk;
  for (let i = 0; i < list.length; i++) {
    const { info, problems } = await readCapture(list[i], (p) => a.packet(p), { capture: i, afterChunk });
    a.noteCapture(info);
    for (const p of problems) a.problem(p);
  }
  return a.finish();
}

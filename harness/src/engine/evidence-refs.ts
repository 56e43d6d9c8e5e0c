/** Evidence from packets: their numbers and ISO times, in packet order, at most a dozen. */
import type { PacketRef } from "../flows/types.js";
import type { Evidence } from "./types.js";

/** ISO time of a capture timestamp; null when it lies outside the Date range (a damaged pcapng). */
export function isoOf(ts: number): string | null {
  const d = new Date(Math.round(ts * 1000));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function refsEvidence(source: string, refs: PacketRef[], statement: string): Evidence {
  const sorted = [...refs].sort((a, b) => a.n - b.n);
  const uniq = sorted.filter((r, i) => i === 0 || r.n !== sorted[i - 1].n).slice(0, 12);
  return {
    source,
    kind: "capture",
    packets: uniq.map((r) => r.n),
    times: uniq.map((r) => isoOf(r.ts)),
    statement,
  };
}

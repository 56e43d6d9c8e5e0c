/**
 * One capture point, analysed on its own: each file gets its own FlowSummary so the same
 * connection seen at two points stays two views (conn-groups.ts joins them by 5-tuple and TTL).
 * In-memory bytes (the error report's BackgroundPacketCapture) go through the same reader.
 */
import { analyzeCapture } from "../flows/index.js";
import type { FlowSummary } from "../flows/types.js";

export type CaptureInput = string | { name: string; bytes: Uint8Array };

export async function analyzeOne(input: CaptureInput, _index: number): Promise<FlowSummary> {
  // Like `zeek -C`: a capture taken on the sending host shows checksums the NIC (or veth) fills in
  // later (checksum offload), so a "bad" checksum there is normal and the packet is kept.
  const opts = { ignoreChecksums: true };
  if (typeof input === "string") return analyzeCapture(input, opts);
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  async function* once(): AsyncIterable<Buffer> {
    yield bytes;
  }
  return analyzeCapture({ name: input.name, stream: once() }, opts);
}

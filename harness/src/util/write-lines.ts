/**
 * Writes lines to a stream, each followed by a newline, in pieces of a few MiB with backpressure:
 * the text of a capture of millions of packets need not be one string.
 */
import type { Writable } from "node:stream";

const CHUNK = 4 << 20;

export async function writeLines(lines: readonly string[], out: Writable): Promise<void> {
  let pending = "";
  for (const l of lines) {
    pending += l + "\n";
    if (pending.length < CHUNK) continue;
    const text = pending;
    pending = "";
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", r));
  }
  if (pending && !out.write(pending)) await new Promise<void>((r) => out.once("drain", r));
}

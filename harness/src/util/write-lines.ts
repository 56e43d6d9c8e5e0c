/**
 * Writing a big text to a stream in pieces of a few MiB with backpressure: the text of a capture of
 * millions of packets need not be one string.
 */
import type { Writable } from "node:stream";

/** Flush once this much is pending (a few MiB: few writes, bounded memory). */
const CHUNK = 4 << 20;

/** `put` adds text, written once a piece is full; `end` writes what is left. */
export function pieceWriter(out: Writable): { put(s: string): Promise<void>; end(): Promise<void> } {
  let pending = "";
  const flush = async () => {
    const text = pending;
    pending = "";
    if (text && !out.write(text)) await new Promise<void>((r) => out.once("drain", r));
  };
  return {
    put: async (s) => {
      pending += s;
      if (pending.length >= CHUNK) await flush();
    },
    end: flush,
  };
}

/** Writes lines, each followed by a newline. */
export async function writeLines(lines: readonly string[], out: Writable): Promise<void> {
  const w = pieceWriter(out);
  for (const l of lines) await w.put(l + "\n");
  await w.end();
}

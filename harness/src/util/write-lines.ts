/**
 * Writing a big text to a stream in pieces of a few MiB with backpressure: the text of a capture of
 * millions of packets need not be one string.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";

/** Flush once this much is pending (a few MiB: few writes, bounded memory). */
const CHUNK = 4 << 20;

export interface PieceWriter {
  /** Adds text, written once a piece is full; resolves when the stream has taken it. */
  put(s: string): Promise<void>;
  /**
   * Adds text without waiting (for a caller that cannot, such as a sink called inside a loop): a
   * full piece is written at once and `drained` is where the caller then waits.
   */
  add(s: string): void;
  /** Resolves once the stream has room again. */
  drained(): Promise<void>;
  /** Writes what is pending; resolves when the stream has taken it. */
  end(): Promise<void>;
}

export function pieceWriter(out: Writable): PieceWriter {
  let pending = "";
  const write = () => {
    const text = pending;
    pending = "";
    if (text) out.write(text);
  };
  const drained = async () => {
    if (out.writableNeedDrain) await once(out, "drain");
  };
  const flush = async () => {
    write();
    await drained();
  };
  return {
    put: async (s) => {
      pending += s;
      if (pending.length >= CHUNK) await flush();
    },
    add: (s) => {
      pending += s;
      if (pending.length >= CHUNK) write();
    },
    drained,
    end: flush,
  };
}

/** Writes lines, each followed by a newline. */
export async function writeLines(lines: readonly string[], out: Writable): Promise<void> {
  const w = pieceWriter(out);
  for (const l of lines) await w.put(l + "\n");
  await w.end();
}

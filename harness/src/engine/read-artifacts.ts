/**
 * Reading the artifacts from disk with bounds: a missing file is a NOT_FOUND error (the user named
 * it), an unreadable one becomes a problem so the other artifacts still count.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { BacksideError } from "../errors.js";

/** Logs bigger than this are read in part (a problem says so). */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;

export async function checkFile(path: string, what: string): Promise<number> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new BacksideError("NOT_FOUND", `${what} ${path} is not a file`);
    return st.size;
  } catch (e) {
    if (e instanceof BacksideError) throw e;
    throw new BacksideError("NOT_FOUND", `cannot open ${what} ${path}`, { cause: e, hint: "check the path" });
  }
}

/** Up to `limit` bytes of a file, and whether it was cut. */
export async function readBounded(
  path: string,
  what: string,
  limit: number,
): Promise<{ bytes: Buffer; cut: boolean }> {
  const size = await checkFile(path, what);
  const n = Math.min(size, limit);
  const fh = await open(path, "r");
  try {
    const bytes = Buffer.alloc(n);
    let off = 0;
    // Bounded: each read advances or ends the loop.
    while (off < n) {
      const { bytesRead } = await fh.read(bytes, off, n - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return { bytes: bytes.subarray(0, off), cut: size > limit };
  } finally {
    await fh.close();
  }
}

/** Text that is mostly NUL or control bytes is not a log. */
export function looksBinary(b: Buffer): boolean {
  const sample = b.subarray(0, 4096);
  if (sample.length === 0) return false;
  let bad = 0;
  for (const x of sample) if (x === 0 || (x < 9 && x !== 0) || (x > 13 && x < 32)) bad++;
  return bad / sample.length > 0.1;
}

/** A file's first `limit` bytes as UTF-8 text, chunk by chunk (the file is never held whole). */
export async function streamText(path: string, limit: number, onText: (text: string) => void): Promise<void> {
  const decoder = new StringDecoder("utf8");
  const stream = createReadStream(path, { highWaterMark: 1 << 20, end: limit - 1 });
  for await (const chunk of stream) onText(decoder.write(chunk as Buffer));
  onText(decoder.end());
}

/** A file as a stream of chunks (for readers that take an async iterable). */
export function fileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/**
 * Reading the artifacts from disk with bounds: a missing file is a NOT_FOUND error (the user named
 * it), an unreadable one becomes a problem so the other artifacts still count.
 */
import { open, stat } from "node:fs/promises";
import { BacksideError } from "../errors.js";

/** Logs bigger than this are read in part (a problem says so). */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;
/** Error reports bigger than this are refused (DataPower's are a few MB). */
export const MAX_REPORT_FILE_BYTES = 256 * 1024 * 1024;

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

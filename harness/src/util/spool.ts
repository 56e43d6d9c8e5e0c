/**
 * Text set aside on disk while a stream writes something else, then copied out after it: a
 * streamed document whose later parts arrive alongside its first (a capture's UDP flows end
 * among its TCP connections) keeps them in a file, not in memory. The file is unlinked as soon as
 * it is open, so nothing is left behind however the process ends.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { once } from "node:events";
import { BacksideError } from "../errors.js";

/** A temporary file that cannot be made or written: the one line says where, and what to do. */
function tmpProblem(e: unknown): BacksideError {
  const why = e instanceof Error ? e.message : String(e);
  return new BacksideError("ENVIRONMENT", `cannot use a temporary file in ${tmpdir()}: ${why}`, {
    cause: e,
    hint: "set TMPDIR to a writable folder with room for the output",
  });
}

/** Text gathered before a write to the file (few writes, bounded memory). */
const PIECE = 1 << 20;

export class Spool {
  private readonly fd: number;
  private pending = "";
  private bytes = 0;
  /** Items added: a writer that separates items needs to know whether one came before. */
  count = 0;

  constructor() {
    try {
      const dir = mkdtempSync(join(tmpdir(), "backside-spool-"));
      const file = join(dir, "spool");
      this.fd = openSync(file, "w+", 0o600);
      unlinkSync(file);
      rmdirSync(dir);
    } catch (e) {
      throw tmpProblem(e);
    }
  }

  add(text: string): void {
    this.count++;
    this.pending += text;
    if (this.pending.length >= PIECE) this.write();
  }

  private write(): void {
    const b = Buffer.from(this.pending, "utf8");
    this.pending = "";
    let at = 0;
    try {
      // Bounded: each call writes at least one byte or throws.
      while (at < b.length) at += writeSync(this.fd, b, at, b.length - at, this.bytes + at);
    } catch (e) {
      throw tmpProblem(e);
    }
    this.bytes += b.length;
  }

  /** Writes everything added, in order, to `out` (with backpressure), and closes the file. */
  async copyTo(out: Writable): Promise<void> {
    this.write();
    const buf = Buffer.allocUnsafe(PIECE);
    try {
      // Bounded by the file's size: each read takes at least one byte.
      for (let at = 0; at < this.bytes;) {
        const n = readSync(this.fd, buf, 0, Math.min(PIECE, this.bytes - at), at);
        if (n <= 0) break;
        at += n;
        if (!out.write(Buffer.from(buf.subarray(0, n)))) await once(out, "drain");
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

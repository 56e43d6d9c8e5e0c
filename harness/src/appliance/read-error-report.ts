/**
 * Reading an error report from a stream (a file), gunzipping on the fly: memory stays at what the
 * parts keep (report-parts.ts), however large the report or however far a gzip bomb inflates.
 * Text beyond MAX_REPORT_BYTES, and gzip data that breaks off, end the read with a "truncated"
 * problem; only input that yields nothing readable is a BAD_ARTIFACT error.
 */
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { BacksideError } from "../errors.js";
import { MAX_REPORT_BYTES, assembleReport } from "./error-report.js";
import type { LogReaderOptions } from "./log-reader.js";
import { ReportPartsReader } from "./report-parts.js";
import type { ErrorReport } from "./types.js";

type Bytes = Buffer | Uint8Array;

const asBuffer = (b: Bytes) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

async function* prepend(first: Buffer, rest: AsyncIterator<Bytes>): AsyncGenerator<Buffer> {
  yield first;
  // Bounded by the source.
  for (;;) {
    const n = await rest.next();
    if (n.done) return;
    yield asBuffer(n.value);
  }
}

export async function readErrorReport(
  source: AsyncIterable<Bytes>,
  opts: LogReaderOptions & { limit?: number } = {},
): Promise<ErrorReport> {
  const limit = opts.limit ?? MAX_REPORT_BYTES;
  const it = source[Symbol.asyncIterator]();
  const head = await it.next();
  const first = head.done ? Buffer.alloc(0) : asBuffer(head.value);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const input: AsyncIterable<Buffer> = gzip
    ? Readable.from(prepend(first, it)).pipe(createGunzip())
    : prepend(first, it);
  const reader = new ReportPartsReader(opts);
  const decoder = new StringDecoder("utf8");
  let read = 0;
  let cut: string | undefined;
  try {
    for await (const chunk of input) {
      const b = asBuffer(chunk);
      const take = Math.min(b.length, limit - read);
      reader.write(decoder.write(take === b.length ? b : b.subarray(0, take)));
      read += take;
      if (take < b.length) {
        cut = `longer than ${limit} bytes${gzip ? " after gunzip" : ""}; the rest is not read (truncated)`;
        break;
      }
    }
  } catch (e) {
    if (read === 0)
      throw new BacksideError(
        "BAD_ARTIFACT",
        `error report: gzip data cannot be read: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    cut = `gzip data breaks off after ${read} bytes (${(e as Error).message}); the rest is not read (truncated)`;
  } finally {
    if (gzip) (input as Readable).destroy();
  }
  reader.write(decoder.end());
  const collected = reader.end();
  if (cut) collected.problems.push({ where: "report", message: cut });
  return assembleReport(collected);
}

/**
 * Streaming capture reader: sniffs pcap vs pcapng from the first bytes, then feeds fixed-size
 * chunks to the format parser. Memory stays at one chunk plus one partial record, whatever the
 * file size. A capture cut mid-record keeps every packet before the cut and reports where.
 */
import { open, stat } from "node:fs/promises";
import { BacksideError } from "../errors.js";
import { ClassicPcapParser, PCAP_MAGICS } from "./classic-parser.js";
import { PcapngParser, PCAPNG_SHB } from "./pcapng-parser.js";
import type { CaptureInfo, CaptureParser, RawPacket, ReadProblem } from "./types.js";

export type CaptureSource = string | { name: string; stream: AsyncIterable<Buffer | Uint8Array> };

export interface ReadOptions {
  /** Index stamped on packets and problems (several captures in one analysis). */
  capture?: number;
  /** Chunk size for file reads. Default 1 MiB. */
  chunkSize?: number;
  /**
   * Awaited after each chunk's packets: a caller that writes what the packets produce holds the
   * reading until its output drains (backpressure), so nothing piles up in memory.
   */
  afterChunk?: () => Promise<void> | void;
}

export interface ReadResult {
  info: CaptureInfo;
  problems: ReadProblem[];
}

function sniff(head: Buffer, name: string): "pcap" | "pcapng" {
  if (head.length >= 4) {
    const le = head.readUInt32LE(0);
    const be = head.readUInt32BE(0);
    if (le === PCAPNG_SHB) return "pcapng";
    if (
      le === PCAP_MAGICS.MICRO ||
      le === PCAP_MAGICS.NANO ||
      be === PCAP_MAGICS.MICRO ||
      be === PCAP_MAGICS.NANO
    )
      return "pcap";
  }
  const shown = head.subarray(0, 4).toString("hex");
  throw new BacksideError(
    "BAD_ARTIFACT",
    shown
      ? `${name} is not a pcap or pcapng capture (starts with 0x${shown})`
      : `${name} is empty: not a pcap or pcapng capture`,
    {
      hint: "pass a file written by tcpdump, tshark or dumpcap",
    },
  );
}

async function openSource(
  source: CaptureSource,
  chunkSize: number,
): Promise<{ name: string; stream: AsyncIterable<Buffer | Uint8Array> }> {
  if (typeof source !== "string") return source;
  try {
    const st = await stat(source);
    if (!st.isFile()) throw new BacksideError("NOT_FOUND", `${source} is not a file`);
  } catch (e) {
    if (e instanceof BacksideError) throw e;
    throw new BacksideError("NOT_FOUND", `cannot open capture ${source}`, {
      cause: e,
      hint: "check the path",
    });
  }
  return { name: source, stream: fileChunks(source, chunkSize) };
}

/**
 * A file's bytes in chunks read into one buffer, used again for every chunk: a chunk's packets
 * are handed out (and copied by whoever keeps them) before the next read. A stream's new buffer
 * per chunk would leave the whole file behind as garbage for the collector to find.
 */
async function* fileChunks(path: string, chunkSize: number): AsyncIterable<Buffer> {
  const fh = await open(path, "r");
  const buf = Buffer.allocUnsafe(chunkSize);
  try {
    // Bounded by the file: each read takes at least one byte or ends the loop.
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Read a capture, calling `onPacket` for each packet. The packet object and its bytes are reused
 * between calls (no per-packet allocation): copy anything you keep.
 */
export async function readCapture(
  source: CaptureSource,
  onPacket: (p: RawPacket) => void,
  opts: ReadOptions = {},
): Promise<ReadResult> {
  const it = drive(source, onPacket, opts);
  // Bounded by the file: one step per chunk.
  for (;;) {
    const step = await it.next();
    if (step.done) return step.value;
    await opts.afterChunk?.();
  }
}

/** Packets as an async iterator of stable copies; memory is bounded by one chunk's packets. */
export async function* capturePackets(
  source: CaptureSource,
  opts: ReadOptions = {},
): AsyncGenerator<RawPacket, ReadResult> {
  const batch: RawPacket[] = [];
  const it = drive(source, (p) => batch.push({ ...p, data: Buffer.from(p.data) }), opts);
  try {
    for (;;) {
      const step = await it.next();
      for (const p of batch) yield p;
      batch.length = 0;
      if (step.done) return step.value;
    }
  } finally {
    // A caller that stops early (break) closes the file too, not only this generator.
    await it.return(undefined as never);
  }
}

/** Feeds the parser chunk by chunk, yielding after each so callers can drain what it produced. */
/** Bytes of a new chunk joined to a cut record: more than any ordinary record (snap length 262144 is rare). */
const JOIN = 64 * 1024;

async function* drive(
  source: CaptureSource,
  onPacket: (p: RawPacket) => void,
  opts: ReadOptions,
): AsyncGenerator<void, ReadResult> {
  const capture = opts.capture ?? 0;
  const { name, stream } = await openSource(source, opts.chunkSize ?? 1 << 20);
  const info: CaptureInfo = {
    path: name,
    format: "pcap",
    linkTypes: [],
    packets: 0,
    firstTs: null,
    lastTs: null,
    truncated: false,
  };
  const problems: ReadProblem[] = [];
  let parser: CaptureParser | null = null;
  let pending: Buffer | null = null;
  let base = 0;
  for await (const raw of stream) {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (!parser) {
      const head: Buffer = pending && pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (head.length < 4) {
        pending = Buffer.from(head);
        continue;
      }
      info.format = sniff(head, name);
      parser =
        info.format === "pcap"
          ? new ClassicPcapParser(info, problems, onPacket, capture)
          : new PcapngParser(info, problems, onPacket, capture);
      chunk = head;
      pending = null;
    }
    if (pending && pending.length) {
      // Finish the record cut at the chunk boundary from a small join, instead of copying the
      // whole new chunk behind it on every read; a record longer than the join falls back to that.
      const join = Buffer.concat([pending, chunk.subarray(0, Math.min(chunk.length, JOIN))]);
      const used = parser.parse(join, base);
      if (parser.stopped) {
        pending = null;
        break;
      }
      if (used > pending.length || (used === pending.length && used > 0)) {
        base += used;
        chunk = chunk.subarray(used - pending.length);
        pending = null;
      } else if (join.length === pending.length + chunk.length) {
        // The whole chunk was in the join and still no complete record: keep it all.
        base += used;
        pending = Buffer.from(join.subarray(used));
        yield;
        continue;
      } else {
        base += used;
        chunk = Buffer.concat([pending.subarray(used), chunk]);
        pending = null;
      }
    }
    const used = parser.parse(chunk, base);
    if (parser.stopped) {
      pending = null;
      break;
    }
    base += used;
    // Copy the remainder so the big chunk can be freed.
    pending = used < chunk.length ? Buffer.from(chunk.subarray(used)) : null;
    yield;
  }
  if (!parser) {
    sniff(pending ?? Buffer.alloc(0), name);
    info.truncated = true;
    problems.push({
      kind: "truncated-file",
      capture,
      offset: 0,
      packet: null,
      message: "file ends inside the file header",
    });
    return { info, problems };
  }
  if (pending && pending.length > 0) {
    info.truncated = true;
    const what = info.format === "pcap" ? (base === 0 ? "file header" : "record") : "block";
    problems.push({
      kind: "truncated-file",
      capture,
      offset: base,
      packet: info.packets + 1,
      message: `file ends inside a ${what} (${pending.length} bytes left over)`,
    });
  }
  return { info, problems };
}

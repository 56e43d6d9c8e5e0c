/** What the capture readers hand upward. flows/types.ts re-exports these (pcap sits below flows). */

/**
 * One packet as read. In callback mode (`readCapture`) the object and its `data` are reused: copy
 * what you keep. The async iterator (`capturePackets`) yields stable copies.
 */
export interface RawPacket {
  /** Index of the capture in the analysis (0 for a single file). */
  capture: number;
  /** 1-based packet number within the capture, as tshark counts. */
  n: number;
  /** Seconds since the epoch. */
  ts: number;
  linkType: number;
  /** pcapng interface id (0 for classic pcap). */
  iface: number;
  data: Buffer;
  /** Length on the wire (larger than data.length when the capture snapped it). */
  origLen: number;
  /** Byte offset of the record in the file. */
  offset: number;
}

export type ReadProblemKind =
  "truncated-file" | "bad-block" | "bad-record" | "unknown-linktype" | "unsupported";

export interface ReadProblem {
  kind: ReadProblemKind;
  capture: number;
  offset: number | null;
  packet: number | null;
  message: string;
}

export interface CaptureInfo {
  path: string;
  format: "pcap" | "pcapng";
  linkTypes: number[];
  packets: number;
  firstTs: number | null;
  lastTs: number | null;
  /** The file ended inside a record/block, or a record could not be framed. */
  truncated: boolean;
}

/** A format parser fed with consecutive chunks of the file. */
export interface CaptureParser {
  /** Parse what is complete in `buf` (whose first byte is at file offset `base`); return bytes consumed. */
  parse(buf: Buffer, base: number): number;
  /** True once framing is lost; the reader stops feeding. */
  readonly stopped: boolean;
}

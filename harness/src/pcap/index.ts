/** Public surface of the capture readers and writer. Test helpers live in ./testing/. */
export * from "./types.js";
export {
  readCapture,
  capturePackets,
  type CaptureSource,
  type ReadOptions,
  type ReadResult,
} from "./reader.js";
export { PcapWriter, writePcap, LINKTYPE, type PacketRecord, type PcapWriterOptions } from "./writer.js";

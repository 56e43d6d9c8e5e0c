export {
  startCapture,
  StartedCapture,
  CAPTURE_DIR,
  type CaptureOptions,
  type CaptureResult,
} from "./capture.js";

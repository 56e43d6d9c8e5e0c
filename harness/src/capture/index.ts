export {
  startCapture,
  StartedCapture,
  captureScript,
  CAPTURE_DIR,
  type CaptureOptions,
  type CaptureResult,
} from "./capture.js";

export { startCapture } from "./start-capture.js";
export { StartedCapture, type CaptureResult } from "./started-capture.js";
export type { CaptureOptions } from "./capture-options.js";
export {
  execTarget,
  type CaptureTarget,
  type ExecFn,
  type ExecResult,
  type ExecTargetOptions,
} from "./capture-target.js";
export { localTarget, localExec } from "./local-target.js";
export { captureScript } from "./capture-script.js";
export { TcpdumpError, type TcpdumpErrorCode } from "./tcpdump-error.js";

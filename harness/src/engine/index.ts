/** The diagnostic engine's public surface. */
export { diagnose } from "./diagnose.js";
export { formatDiagnosisText } from "./format-text.js";
export { diagnosisJson, relativeTo, DIAGNOSIS_SCHEMA, type DiagnosisJson } from "./diagnosis-json.js";
export { parseHostPort } from "./backend-target.js";
export type {
  Diagnosis,
  DiagnoseInput,
  Evidence,
  Alternative,
  CapturePoints,
  CapturePoint,
  Confidence,
} from "./types.js";
export type { Finding, FindingOf, CauseDetail, Strength } from "./findings.js";

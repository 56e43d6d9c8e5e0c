/**
 * The engine's output: a Diagnosis names one label of TAXONOMY.md (`cause`), how sure it is, and
 * the evidence behind it, each item pointing at a packet, a log line or a part of the error report.
 */
import type { Cause } from "../taxonomy.js";
import type { PathVerdict } from "./where-died.js";

export type Confidence = "high" | "medium" | "low";

export type EvidenceKind = "capture" | "log" | "report";

export interface Evidence {
  /** The artifact: a capture, log or report path (or the name given for a capture). */
  source: string;
  kind: EvidenceKind;
  /** 1-based packet numbers in `source`, as tshark counts. */
  packets?: number[];
  /** ISO times of those packets (or of the log lines); null for a time outside the Date range. */
  times?: (string | null)[];
  /** 1-based line numbers in a log. */
  lines?: number[];
  /** The error report part (`RoutingStatus`, `DNSCacheHostStatus4`, ...). */
  part?: string;
  /** One line saying what this shows. */
  statement: string;
  /**
   * Every place that shows it (this item's own first): the capture points and frames, log lines
   * or report parts saying the same thing (group-evidence.ts).
   */
  places?: EvidencePlace[];
}

export interface EvidencePlace {
  source: string;
  packets?: number[];
  times?: (string | null)[];
  lines?: number[];
  part?: string;
}

export interface Alternative {
  cause: Cause;
  why: string;
}

/** One capture point in path order, as ordered by the IPv4 TTL of the same packet. */
export interface CapturePoint {
  source: string;
  /** TTL (IPv4) / hop limit (IPv6) of the backend SYN at this point; null when it was not seen here. */
  synTtl: number | null;
  /** Whether the SYN of the failing connection was seen here. */
  sawSyn: boolean;
  /** Whether an answer from the backend side (SYN-ACK, RST, ICMP) was seen here. */
  sawAnswer: boolean;
}

export interface CapturePoints {
  /** Every point in path order, closest to the gateway first (path-order.ts). */
  order: CapturePoint[];
  /** Where the packets died: the one answer explanation, ladder and next steps use. */
  died: PathVerdict;
  /** Where the packets died, for a person. */
  statement: string;
}

export interface Diagnosis {
  cause: Cause;
  confidence: Confidence;
  title: string;
  explanation: string;
  evidence: Evidence[];
  nextSteps: string[];
  alternatives?: Alternative[];
  capturePoints?: CapturePoints;
  /** The backend the diagnosis is about, as far as the artifacts tell. */
  backend?: { host?: string; addresses: string[]; port?: number };
  /** True when some input could not be read completely (truncated capture, damaged report...). */
  partial: boolean;
  problems: string[];
}

export interface DiagnoseInput {
  pcaps?: { path: string; name?: string }[];
  /** Paths of appliance logs. */
  logs?: string[];
  /** Path of an error report (plain or gzipped). */
  errorReport?: string;
  /** Which backend matters when the artifacts hold several conversations. */
  target?: { host: string; port?: number };
}

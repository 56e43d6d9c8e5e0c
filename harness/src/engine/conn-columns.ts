/**
 * The column layout of a ConnTable (conn-table.ts): which slot of a row holds which field, and the
 * outcome and flag codes. Shared by the table that writes rows and the view that reads them.
 */
import type { IcmpError } from "../flows/types.js";
import type { ConnOutcome } from "./conn-outcome.js";

export const OUTCOMES: readonly ConnOutcome[] = [
  "ok",
  "unanswered",
  "refused",
  "icmp",
  "no-response",
  "closed",
  "reset",
  "tls-failed",
  "idle",
  "other",
];
export const OUTCOME_CODE = new Map(OUTCOMES.map((o, i) => [o, i]));

/** Float64 columns, per row. */
export const F = {
  START: 0,
  END: 1,
  /** NaN for none. */
  WAITED: 2,
  GAVE_UP_AT: 3,
  FIRST_SYN_TS: 4,
  /** -1 without a SYN. */
  FIRST_SYN_N: 5,
  REQUEST_BYTES: 6,
  RESPONSE_BYTES: 7,
  /** The number in the uid `T<n>`; NaN when the uid has another form (kept in the row's extra). */
  UID: 8,
  WIDTH: 9,
} as const;

/** Int32 columns, per row. Texts are indexes into `texts`, -1 for none. */
export const I = {
  CLIENT: 0,
  ADDRESS: 1,
  CPORT: 2,
  PORT: 3,
  SYNS: 4,
  RETRANSMISSIONS: 5,
  DUP_ACKS: 6,
  REFS_AT: 7,
  REFS_LEN: 8,
  GAPS_AT: 9,
  GAPS_LEN: 10,
  WAITS_AT: 11,
  WAITS_LEN: 12,
  /** -1 for none. */
  SYN_TTL: 13,
  ANSWER_TTL: 14,
  NEXT_HOP_MAC: 15,
  CLIENT_MAC: 16,
  STATE: 17,
  OUTCOME: 18,
  FLAGS: 19,
  /** Index into `extras`, -1 for none. */
  EXTRA: 20,
  WIDTH: 21,
} as const;

export const FLAG = {
  LATE_HANDSHAKE: 1,
  LATE_SYN_ACK_SET: 2,
  LATE_SYN_ACK: 4,
  LATE_RESPONSE: 8,
  ACKED: 16,
} as const;

/** What few connections have: kept as objects, only for them. */
export interface ConnExtra {
  icmp: IcmpError | undefined;
  tlsAlert: string | undefined;
  tlsAlertBy: "orig" | "resp" | undefined;
  uid: string | undefined;
}

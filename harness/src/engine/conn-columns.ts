/**
 * The column layout of a ConnTable (conn-table.ts): which slot of a row holds which field, and the
 * outcome and flag codes. Shared by the table that writes rows and the view that reads them.
 */
import type { IcmpError } from "../flows/types.js";
import type { ConnOutcome } from "./conn-outcome.js";

/** Every outcome, in code order: a Record, so an outcome added to ConnOutcome needs its place here. */
const EVERY_OUTCOME: Record<ConnOutcome, true> = {
  ok: true,
  unanswered: true,
  refused: true,
  icmp: true,
  "no-response": true,
  closed: true,
  reset: true,
  "tls-failed": true,
  idle: true,
  other: true,
};
export const OUTCOMES = Object.keys(EVERY_OUTCOME) as readonly ConnOutcome[];
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
  /** The number in the uid `T<n>`. */
  UID: 8,
  /** When the backend's first SYN-ACK passed; NaN for none. */
  FIRST_SYN_ACK_TS: 9,
  WIDTH: 10,
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
  /** The row's lists (refs as packet number and time pairs, then SYN gaps, then response waits): pool chunk and start. */
  POOL_CHUNK: 7,
  POOL_AT: 8,
  REFS_LEN: 9,
  GAPS_LEN: 10,
  WAITS_LEN: 11,
  /** -1 for none. */
  SYN_TTL: 12,
  ANSWER_TTL: 13,
  NEXT_HOP_MAC: 14,
  CLIENT_MAC: 15,
  STATE: 16,
  OUTCOME: 17,
  FLAGS: 18,
  /** Index into `extras`, -1 for none. */
  EXTRA: 19,
  WIDTH: 20,
} as const;

/**
 * Rows are stored in chunks of 2^ROW_SHIFT rows, lists in pool chunks of POOL_CHUNK numbers (a
 * longer list gets a chunk of its own): growing never copies, and fresh memory is touched once.
 */
export const ROW_SHIFT = 12;
export const ROW_MASK = (1 << ROW_SHIFT) - 1;
export const POOL_CHUNK = 1 << 15;

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
}

/**
 * One TCP connection at one capture point as the rules read it: its outcome (conn-outcome.ts),
 * counters and the few packets that show it, read from its row of the point's ConnTable
 * (conn-table.ts), where it was reduced as it ended. Views are made as the rules ask; every view
 * has the same two fields (one hidden class). The evidence sentence is written only for the few
 * facts a diagnosis shows.
 */
import type { IcmpError, PacketRef } from "../flows/types.js";
import { F, FLAG, I, OUTCOMES, ROW_MASK, ROW_SHIFT, type ConnExtra } from "./conn-columns.js";
import type { ConnOutcome, ConnReading } from "./conn-outcome.js";
import type { ConnTable } from "./conn-table.js";
import { refsEvidence } from "./evidence-refs.js";
import type { Evidence } from "./types.js";

const OUTCOME_TEXT: Record<ConnOutcome, string> = {
  ok: "got a response",
  unanswered: "got no answer to its SYNs",
  refused: "was refused with RST",
  icmp: "was answered with ICMP",
  "no-response": "got no response after the request",
  closed: "was closed by the backend without a response",
  reset: "was reset by the backend",
  "tls-failed": "failed in the TLS handshake",
  idle: "carried no request",
  other: "was seen only in part",
};

/** A view of one row of a capture point's ConnTable: the fields the rules read, as getters. */
export class ConnFact implements ConnReading {
  #ev: Evidence | null = null;

  constructor(
    readonly table: ConnTable,
    readonly row: number,
  ) {}

  private f(k: number): number {
    return this.table.f64[this.row >> ROW_SHIFT][(this.row & ROW_MASK) * F.WIDTH + k];
  }
  private n(k: number): number {
    return this.table.i32[this.row >> ROW_SHIFT][(this.row & ROW_MASK) * I.WIDTH + k];
  }
  /** A float column that holds NaN for none. */
  private optional(k: number): number | undefined {
    const v = this.f(k);
    return Number.isNaN(v) ? undefined : v;
  }
  /** An int column that holds a negative number for none. */
  private present(k: number): number | null {
    const v = this.n(k);
    return v < 0 ? null : v;
  }
  private flag(bit: number): boolean {
    return (this.n(I.FLAGS) & bit) !== 0;
  }
  /** `skip` numbers into the row's lists, `len` of them. */
  private pooled(skip: number, len: number): number[] {
    const at = this.n(I.POOL_AT) + skip;
    return Array.from(this.table.pool[this.n(I.POOL_CHUNK)].subarray(at, at + len));
  }
  private get extra(): ConnExtra | undefined {
    const x = this.n(I.EXTRA);
    return x < 0 ? undefined : this.table.extras[x];
  }

  get outcome(): ConnOutcome {
    return OUTCOMES[this.n(I.OUTCOME)];
  }
  get lateHandshake(): boolean {
    return this.flag(FLAG.LATE_HANDSHAKE);
  }
  get lateSynAck(): boolean | undefined {
    return this.flag(FLAG.LATE_SYN_ACK_SET) ? this.flag(FLAG.LATE_SYN_ACK) : undefined;
  }
  get icmp(): IcmpError | undefined {
    return this.extra?.icmp;
  }
  get tlsAlert(): string | undefined {
    return this.extra?.tlsAlert;
  }
  get tlsAlertBy(): "orig" | "resp" | undefined {
    return this.extra?.tlsAlertBy;
  }
  get waited(): number | undefined {
    return this.optional(F.WAITED);
  }
  get gaveUpAt(): number | undefined {
    return this.optional(F.GAVE_UP_AT);
  }
  get lateResponse(): boolean {
    return this.flag(FLAG.LATE_RESPONSE);
  }
  get requestBytes(): number {
    return this.f(F.REQUEST_BYTES);
  }
  get responseBytes(): number {
    return this.f(F.RESPONSE_BYTES);
  }
  get dupAcks(): number {
    return this.n(I.DUP_ACKS);
  }
  get point(): number {
    return this.table.point;
  }
  get source(): string {
    return this.table.source;
  }
  get uid(): string {
    return `T${this.f(F.UID)}`;
  }
  /** Zeek's conn_state, for picking the backend's conversation. */
  get state(): string {
    return this.table.texts[this.n(I.STATE)];
  }
  get client(): string {
    return this.table.texts[this.n(I.CLIENT)];
  }
  get cport(): number {
    return this.n(I.CPORT);
  }
  get address(): string {
    return this.table.texts[this.n(I.ADDRESS)];
  }
  get port(): number {
    return this.n(I.PORT);
  }
  // At a single capture point each connection is its own group (conn-groups.ts): these make the
  // view one, so a capture of a million connections needs no second object for each.
  get near(): ConnFact {
    return this;
  }
  get far(): ConnFact {
    return this;
  }
  get views(): ConnFact[] {
    return [this];
  }
  get key(): string {
    return `${this.client}:${this.cport}>${this.address}:${this.port}`;
  }
  get start(): number {
    return this.f(F.START);
  }
  get end(): number {
    return this.f(F.END);
  }
  get syns(): number {
    return this.n(I.SYNS);
  }
  get synGaps(): number[] {
    return this.pooled(2 * this.n(I.REFS_LEN), this.n(I.GAPS_LEN));
  }
  get synTtl(): number | null {
    return this.present(I.SYN_TTL);
  }
  /** TTL of the backend's answer (SYN-ACK or RST) at this point. */
  get answerTtl(): number | null {
    return this.present(I.ANSWER_TTL);
  }
  get retransmissions(): number {
    return this.n(I.RETRANSMISSIONS);
  }
  /** Per answered exchange, seconds from the request's last byte to the response's first. */
  get responseWaits(): number[] {
    return this.pooled(2 * this.n(I.REFS_LEN) + this.n(I.GAPS_LEN), this.n(I.WAITS_LEN));
  }
  get acked(): boolean {
    return this.flag(FLAG.ACKED);
  }
  /** The Ethernet next hop the first SYN was sent to (Ethernet captures only). */
  get synNextHopMac(): string | undefined {
    return this.table.text(this.n(I.NEXT_HOP_MAC));
  }
  /** The client's own MAC, when its first SYN crossed no router (an initial TTL). */
  get clientMac(): string | undefined {
    return this.table.text(this.n(I.CLIENT_MAC));
  }

  /** What the connection shows, with its packets: written when first read. */
  get ev(): Evidence {
    return (this.#ev ??= refsEvidence(this.source, this.refs, this.statement()));
  }

  /** When the backend's first SYN-ACK passed this point, or null. */
  get firstSynAckTs(): number | null {
    return this.optional(F.FIRST_SYN_ACK_TS) ?? null;
  }
  /** The first SYN: matched across capture points by 5-tuple and time. */
  get firstSyn(): PacketRef | null {
    const n = this.f(F.FIRST_SYN_N);
    return n < 0 ? null : { capture: this.point, n, ts: this.f(F.FIRST_SYN_TS) };
  }

  /** The packets that show the outcome. */
  get refs(): PacketRef[] {
    const out: PacketRef[] = [];
    const p = this.table.pool[this.n(I.POOL_CHUNK)];
    const at = this.n(I.POOL_AT);
    for (let k = 0; k < this.n(I.REFS_LEN); k++)
      out.push({ capture: this.point, n: p[at + 2 * k], ts: p[at + 2 * k + 1] });
    return out;
  }

  private statement(): string {
    const tuple = `${this.client}:${this.cport} -> ${this.address}:${this.port}`;
    const extra =
      this.outcome === "icmp" && this.icmp
        ? ` (type ${this.icmp.type} code ${this.icmp.code} from ${this.icmp.sender})`
        : this.outcome === "unanswered"
          ? ` (${this.syns} SYNs${this.synGaps.length ? `, gaps ${this.synGaps.map((g) => g.toFixed(1)).join("/")} s` : ""})`
          : this.outcome === "tls-failed" && this.tlsAlert
            ? ` (${this.tlsAlert} from the ${this.tlsAlertBy === "orig" ? "gateway" : "backend"})`
            : this.outcome === "no-response" && this.waited !== undefined
              ? ` for ${this.waited.toFixed(1)} s${this.lateResponse ? ", then a late response" : ""}`
              : "";
    return `${tuple} ${OUTCOME_TEXT[this.outcome]}${extra}${this.lateHandshake ? "; SYN-ACK only after a retransmitted SYN" : ""}${this.lateSynAck ? "; the SYN-ACK came only after the gateway gave up (its RST answered it)" : ""}`;
  }
}

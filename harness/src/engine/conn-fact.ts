/**
 * One TCP connection at one capture point, reduced to what the rules read, as soon as it ends:
 * its outcome (conn-outcome.ts), counters and the few packets that show it. The record and its
 * segments can then go, so a capture's connections cost this small object each, not their
 * segment lists. Every fact has the same fields in the same order (one hidden class for all of
 * them); the evidence sentence is written only for the few facts a diagnosis shows.
 */
import type { IcmpError, PacketRef, TcpConnection } from "../flows/types.js";
import {
  readConn,
  requestAcked,
  type ConnOutcome,
  type ConnReading,
  type ConnRecord,
} from "./conn-outcome.js";
import { refsEvidence } from "./evidence-refs.js";
import { responseWaits } from "./response-wait.js";
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

/** Shared by every connection with at most one SYN (most of them); never written to. */
const NO_GAPS: number[] = Object.freeze([]) as unknown as number[];

/** TTLs that hosts start with (Linux and macOS 64, Windows 128, network gear 255): no router decremented them. */
const INITIAL_TTLS = new Set([64, 128, 255]);

export class ConnFact implements ConnReading {
  outcome: ConnOutcome;
  lateHandshake: boolean;
  lateSynAck: boolean | undefined;
  icmp: IcmpError | undefined;
  tlsAlert: string | undefined;
  tlsAlertBy: "orig" | "resp" | undefined;
  waited: number | undefined;
  gaveUpAt: number | undefined;
  lateResponse: boolean;
  requestBytes: number;
  responseBytes: number;
  dupAcks: number;
  /** The packets that show the outcome, packed as packet number and time pairs. */
  readonly #refs: number[];
  point: number;
  source: string;
  uid: string;
  /** Zeek's conn_state, for picking the backend's conversation. */
  state: string;
  client: string;
  cport: number;
  address: string;
  port: number;
  start: number;
  end: number;
  syns: number;
  synGaps: number[];
  /** Packet number and time of the first SYN (-1 without one). */
  readonly #firstSynN: number;
  readonly #firstSynTs: number;
  synTtl: number | null;
  /** TTL of the backend's answer (SYN-ACK or RST) at this point. */
  answerTtl: number | null;
  retransmissions: number;
  /** Per answered exchange, seconds from the request's last byte to the response's first. */
  responseWaits: number[];
  acked: boolean;
  /** The Ethernet next hop the first SYN was sent to (Ethernet captures only). */
  synNextHopMac: string | undefined;
  /** The client's own MAC, when its first SYN crossed no router (an initial TTL). */
  clientMac: string | undefined;
  #ev: Evidence | null = null;

  constructor(c: TcpConnection, icmp: readonly IcmpError[], point: number, source: string) {
    const segs = c.segments;
    const syns = c.syns;
    const v: ConnRecord = {
      syns,
      synAcks: c.synAcks,
      handshakeAck: c.handshakeAck,
      origClose: c.origClose,
      respClose: c.respClose,
      resets: c.resets,
      tls: c.tls,
      icmpErrors: c.icmpErrors,
      connState: c.connState,
      origBytes: c.origBytes,
      respBytes: c.respBytes,
      segments: segs,
    };
    const r = readConn(v, { icmp: icmp as IcmpError[] }, segs);
    this.outcome = r.outcome;
    this.lateHandshake = r.lateHandshake;
    this.lateSynAck = r.lateSynAck;
    this.icmp = r.icmp;
    this.tlsAlert = r.tlsAlert;
    this.tlsAlertBy = r.tlsAlertBy;
    this.waited = r.waited;
    this.gaveUpAt = r.gaveUpAt;
    this.lateResponse = r.lateResponse;
    this.requestBytes = r.requestBytes;
    this.responseBytes = r.responseBytes;
    this.dupAcks = r.dupAcks;
    const packed: number[] = [];
    for (const x of r.refs) packed.push(x.n, x.ts);
    this.#refs = packed;
    this.point = point;
    this.source = source;
    this.uid = c.uid;
    this.state = c.connState;
    const id = c.id;
    this.client = id.origH;
    this.cport = id.origP;
    this.address = id.respH;
    this.port = id.respP;
    this.start = c.start;
    this.end = c.start + c.duration;
    this.syns = syns.length;
    const gaps: number[] = syns.length > 1 ? [] : NO_GAPS;
    for (let i = 1; i < syns.length; i++) gaps.push(syns[i].ts - syns[i - 1].ts);
    this.synGaps = gaps;
    this.#firstSynN = syns[0]?.n ?? -1;
    this.#firstSynTs = syns[0]?.ts ?? -1;
    const synSeg = segs.find((x) => x.dir === "orig" && (x.flags & 0x12) === 0x02);
    const origTtl = c.origTtls[0];
    this.synTtl = synSeg?.ttl ?? origTtl ?? null;
    this.answerTtl = segs.find((x) => x.dir === "resp" && (x.flags & 0x06) !== 0)?.ttl ?? null;
    this.retransmissions = c.retransmissions;
    this.responseWaits = responseWaits(v, segs);
    this.acked = requestAcked(v, r.gaveUpAt, segs);
    this.synNextHopMac = c.synMacs?.dst;
    this.clientMac = c.synMacs && INITIAL_TTLS.has(origTtl ?? 0) ? c.synMacs.src : undefined;
  }

  /** What the connection shows, with its packets: written when first read. */
  get ev(): Evidence {
    return (this.#ev ??= refsEvidence(this.source, this.refs, this.statement()));
  }

  /** The first SYN: matched across capture points by 5-tuple and time. */
  get firstSyn(): PacketRef | null {
    return this.#firstSynN < 0 ? null : { capture: this.point, n: this.#firstSynN, ts: this.#firstSynTs };
  }

  get refs(): PacketRef[] {
    const out: PacketRef[] = [];
    for (let i = 0; i < this.#refs.length; i += 2)
      out.push({ capture: this.point, n: this.#refs[i], ts: this.#refs[i + 1] });
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

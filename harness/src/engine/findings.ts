/**
 * A Finding is one rule's conclusion: a cause label, how strongly one kind of artifact supports it,
 * the evidence, and details typed per label (so the renderers in explain.ts can use them).
 */
import type { Cause } from "../taxonomy.js";
import type { Evidence, EvidenceKind } from "./types.js";

/** decisive: the label's own signature (REJ, ICMP 3/13, rcode 3); strong: fits one label with known look-alikes; weak: a hint. */
export type Strength = "decisive" | "strong" | "weak";

export const STRENGTH_SCORE: Record<Strength, number> = { decisive: 3, strong: 2, weak: 1 };

interface Conn {
  address?: string;
  port?: number;
}

/** Per-label details; every field optional where only some artifacts carry it. */
export interface CauseDetail {
  /** slowest: the longest wait for a response, in seconds (request's last byte to response's first). */
  healthy: Conn & { responses?: number; slowest?: number };
  "dns.nxdomain": { name?: string; server?: string };
  "dns.servfail": { name?: string; server?: string };
  "dns.refused": { name?: string; server?: string };
  "dns.no-address": { name?: string; server?: string; qtype?: string };
  "dns.no-response": {
    name?: string;
    servers: string[];
    icmp?: string;
    /** Answers that came after the gateway stopped waiting, the earliest `after` s after its query. */
    late?: { answers: number; after: number };
  };
  "dns.not-configured": { name?: string };
  "dns.stale-cache": { name?: string; cached: string[]; current: string[] };
  "tcp.silent-drop": Conn & { syns?: number; gaps?: number[]; diedAfter?: string };
  /** `refusedOf`: connects to the address refused, of all made, when others to it were served. */
  "tcp.refused": Conn & { rstTtl?: number; refusedOf?: [number, number] };
  "tcp.rejected-icmp": Conn & { sender?: string; type?: number; code?: number; fromDestination?: boolean };
  "net.host-unreachable": Conn & { sender?: string; type?: number; code?: number; arpTarget?: string };
  "net.wrong-route": Conn & { iface?: string; why?: string };
  "backend.overloaded": Conn & {
    how: "late-synack" | "partial-burst" | "unanswered-beside-backend" | "listen-overflow" | "log";
  };
  "backend.timeout": Conn & { waited?: number; lateResponse?: boolean };
  "backend.closed": Conn & { requestBytes?: number };
  "backend.reset": Conn & { afterResponse?: boolean };
  "tls.handshake-failure": Conn & { alert?: string; by?: "gateway" | "backend" };
  "net.packet-loss": Conn & {
    retransmissions?: number;
    dupAcks?: number;
    /** Connects whose SYN or answer died between capture points while others were served. */
    diedOnPath?: number;
    succeeded?: number;
    failed?: number;
  };
}

export type FindingOf<K extends Cause> = {
  cause: K;
  strength: Strength;
  kind: EvidenceKind;
  evidence: Evidence[];
  detail: CauseDetail[K];
};

/** The union over every label: narrowing on `cause` types `detail`. */
export type Finding = { [K in Cause]: FindingOf<K> }[Cause];

export function finding<K extends Cause>(
  cause: K,
  strength: Strength,
  kind: EvidenceKind,
  evidence: Evidence[],
  detail: CauseDetail[K],
): FindingOf<K> {
  return { cause, strength, kind, evidence, detail };
}

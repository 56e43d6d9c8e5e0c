/**
 * What happened to one TCP connection from the gateway to its backend, read from its Zeek-style
 * record: the handshake (answered, refused, ICMP, silence), then the request/response exchange
 * after the last request, then who closed. The vocabulary is the taxonomy's evidence column.
 */
import type {
  FlowSummary,
  IcmpError,
  PacketRef,
  TcpClose,
  TcpConnection,
  TcpSegmentRef,
} from "../flows/types.js";
import { TcpFlags } from "../flows/types.js";

export type ConnOutcome =
  /** response bytes after the last request, before the gateway closed */
  | "ok"
  /** SYNs, no SYN-ACK, no RST, no ICMP (S0) */
  | "unanswered"
  /** RST answering the SYN (REJ) */
  | "refused"
  /** ICMP destination unreachable quoting the SYN */
  | "icmp"
  /** handshake done, request sent, no response bytes before the gateway gave up or the capture ended */
  | "no-response"
  /** FIN from the backend after (or without) the request, no response bytes */
  | "closed"
  /** RST from the backend after the handshake, no response to the last request */
  | "reset"
  /** TLS alert in the handshake, or closed before TLS was up */
  | "tls-failed"
  /** handshake done, no request seen (capture started late or the gateway never sent) */
  | "idle"
  /** anything else (midstream pick-up, SYN-ACK seen without SYN...) */
  | "other";

export interface ConnReading {
  outcome: ConnOutcome;
  /** SYN-ACK arrived only after a retransmitted SYN. */
  lateHandshake: boolean;
  /**
   * The SYN-ACK came after the gateway had given up on the connect: its closed socket answered it
   * with RST, never with the handshake's ACK. Read as unanswered, since the connect timed out.
   */
  lateSynAck?: boolean;
  icmp?: IcmpError;
  tlsAlert?: string;
  tlsAlertBy?: "orig" | "resp";
  /** Seconds from the last request to the gateway's close (no-response), when it closed. */
  waited?: number;
  /** When the gateway gave up on the response (no-response), when it did. */
  gaveUpAt?: number;
  /** Response bytes seen after the gateway had given up. */
  lateResponse: boolean;
  requestBytes: number;
  responseBytes: number;
  dupAcks: number;
  /** The packets that show the outcome, for evidence. */
  refs: PacketRef[];
}

const has = (s: TcpSegmentRef, f: number) => (s.flags & f) !== 0;

/**
 * The fields an outcome is read from. A streamed record's are getters that build their objects
 * on each read, so conn-fact.ts reads each once into a plain object of this shape.
 */
export type ConnRecord = Pick<
  TcpConnection,
  | "syns"
  | "synAcks"
  | "handshakeAck"
  | "origClose"
  | "respClose"
  | "resets"
  | "tls"
  | "icmpErrors"
  | "connState"
  | "origBytes"
  | "respBytes"
  | "segments"
>;

/**
 * One side's data segments that carried bytes beyond everything it had sent before: first
 * transmissions, not retransmissions (a retransmitted request after the gateway's FIN is not a
 * new request, and a retransmitted earlier response is not the answer to the last one).
 */
export function newData(segs: TcpSegmentRef[], dir: "orig" | "resp"): TcpSegmentRef[] {
  const out: TcpSegmentRef[] = [];
  let end: number | null = null;
  for (const s of segs) {
    if (s.dir !== dir || s.len === 0 || has(s, TcpFlags.RST)) continue;
    const e = (s.seq + s.len) >>> 0;
    if (end === null || ((e - end) | 0) > 0) {
      out.push(s);
      end = e;
    }
  }
  return out;
}

/** Pure ACKs repeating the previous ACK number from the same side while the other side sent data (RFC 5681 section 2). */
export function countDupAcks(segs: TcpSegmentRef[]): number {
  let dups = 0;
  const last: Record<"orig" | "resp", { ack: number; window: number } | null> = { orig: null, resp: null };
  for (const s of segs) {
    const pure = s.len === 0 && !has(s, TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST) && has(s, TcpFlags.ACK);
    // Same ACK and same window: a window update is not a duplicate (RFC 5681 section 2, DUPLICATE ACKNOWLEDGMENT).
    const prev = last[s.dir];
    if (pure && prev && prev.ack === s.ack && prev.window === s.window) dups++;
    if (has(s, TcpFlags.ACK)) last[s.dir] = { ack: s.ack, window: s.window };
  }
  return dups;
}

/** Alert names that end a TLS session normally, not a handshake failure. */
const BENIGN_ALERTS = new Set(["close_notify", "user_canceled"]);
/** An encrypted alert (TLS 1.3, or 1.2 after ChangeCipherSpec) is one short record: 24-31 bytes. */
const ALERT_SIZED = 40;

export function readConn(
  c: ConnRecord,
  summary: Pick<FlowSummary, "icmp">,
  segs: TcpSegmentRef[] = c.segments,
): ConnReading {
  const r: ConnReading = {
    outcome: "other",
    lateHandshake: false,
    lateResponse: false,
    requestBytes: c.origBytes,
    responseBytes: c.respBytes,
    dupAcks: countDupAcks(segs),
    refs: [],
  };
  const firstSynAck = c.synAcks[0];
  if (firstSynAck && c.syns.length > 1)
    r.lateHandshake = c.syns.filter((s) => s.ts < firstSynAck.ts).length > 1;

  const icmp = c.icmpErrors.map((i) => summary.icmp[i]).find((e) => e && e.kind === "unreachable");
  if (!firstSynAck) {
    r.refs = [...c.syns];
    if (icmp) {
      r.outcome = "icmp";
      r.icmp = icmp;
      r.refs.push(icmp.ref);
    } else if (c.syns.length > 0 && (c.connState === "REJ" || c.resets.some((x) => x.dir === "resp"))) {
      // Only an RST answering a SYN is a refusal; an RST picked up midstream (no SYN seen) is not.
      r.outcome = "refused";
      const rst = c.resets.find((x) => x.dir === "resp");
      if (rst) r.refs.push(rst);
    } else if (c.syns.length > 0) {
      r.outcome = "unanswered";
    }
    return r;
  }
  r.refs = [c.syns[0] ?? firstSynAck, firstSynAck].filter(Boolean);
  if (
    c.syns.length > 0 &&
    !c.handshakeAck &&
    c.origBytes === 0 &&
    c.origClose?.how === "rst" &&
    c.origClose.ref.ts >= firstSynAck.ts
  )
    return { ...r, outcome: "unanswered", lateSynAck: true, refs: [...r.refs, c.origClose.ref] };

  // TLS first: an alert or a close before the handshake was up decides it whatever the bytes say.
  // An alert after data went both ways closes a finished session (OpenSSL-based clients send an
  // encrypted close_notify on every clean close): only an alert before that is a handshake failure.
  const exchangedAt = c.tls?.exchangedAt ?? null;
  if (c.tls) {
    const alert = c.tls.alerts.find(
      (a) =>
        (a.descriptionName === null || !BENIGN_ALERTS.has(a.descriptionName)) &&
        (exchangedAt === null || a.ts < exchangedAt),
    );
    const closed = c.origClose ?? c.respClose;
    if (alert && (!c.tls.established || alert.level === 2)) {
      r.outcome = "tls-failed";
      r.tlsAlert = alert.descriptionName ?? "encrypted alert";
      r.tlsAlertBy = alert.dir;
      r.refs.push(alert);
      return r;
    }
    // Closed before the gateway sent any application data: the handshake never led to a request
    // (a client that checks the certificate after the handshake closes without an alert).
    if ((!c.tls.established || c.tls.clientDataAt === null) && closed) {
      r.outcome = "tls-failed";
      r.tlsAlertBy = closed.by;
      r.refs.push(closed.ref);
      return r;
    }
  }

  const origData = newData(segs, "orig");
  // The gateway's closing alert after a finished exchange is no request.
  while (exchangedAt !== null && origData.length > 1) {
    const last = origData[origData.length - 1];
    if (last.ts <= exchangedAt || last.len > ALERT_SIZED) break;
    origData.pop();
  }
  const lastReq = origData[origData.length - 1];
  if (!lastReq) {
    if (c.respClose?.how === "rst") return { ...r, outcome: "reset", refs: [...r.refs, c.respClose.ref] };
    if (c.respClose?.how === "fin") return { ...r, outcome: "closed", refs: [...r.refs, c.respClose.ref] };
    return { ...r, outcome: "idle" };
  }
  r.refs.push(lastReq);
  const respAfter = newData(segs, "resp").filter((s) => s.ts >= lastReq.ts);
  // A response the gateway's kernel answers with a bare RST reached a socket already closed: the
  // gateway had given up (closed with the request still unacknowledged, so no FIN went out first).
  const answeredByRst = (x: TcpSegmentRef) => {
    const next = segs.find((y) => y.dir === "orig" && y.ts >= x.ts);
    return next !== undefined && has(next, TcpFlags.RST) && !has(next, TcpFlags.ACK);
  };
  const origGaveUp = gaveUp(c, lastReq, respAfter, answeredByRst);
  const inTime = respAfter.filter((x) => (!origGaveUp || x.ts <= origGaveUp.ref.ts) && !answeredByRst(x));

  // TLS aborted by the gateway after the server's flight: its last bytes are one alert-sized record.
  if (c.tls && !inTime.length && lastReq.len <= ALERT_SIZED && (c.origClose || c.respClose)) {
    const close = (c.origClose ?? c.respClose)!;
    return {
      ...r,
      outcome: "tls-failed",
      tlsAlert: "encrypted alert",
      tlsAlertBy: "orig",
      refs: [...r.refs, close.ref],
    };
  }
  if (inTime.length > 0) {
    r.outcome = "ok";
    r.refs.push(inTime[0]);
    if (c.respClose?.how === "rst" && inTime.length > 0) r.refs.push(c.respClose.ref);
    return r;
  }
  const respRst = c.resets.find((x) => x.dir === "resp" && x.ts >= lastReq.ts);
  const respFin = c.respClose?.how === "fin" && c.respClose.ref.ts >= lastReq.ts ? c.respClose : null;
  const before = (t: number) => !origGaveUp || t <= origGaveUp.ref.ts;
  if (respRst && before(respRst.ts)) return { ...r, outcome: "reset", refs: [...r.refs, respRst] };
  if (respFin && before(respFin.ref.ts)) return { ...r, outcome: "closed", refs: [...r.refs, respFin.ref] };
  r.outcome = "no-response";
  if (origGaveUp) {
    r.waited = origGaveUp.ref.ts - lastReq.ts;
    r.gaveUpAt = origGaveUp.ref.ts;
    r.refs.push(origGaveUp.ref);
  }
  if (respAfter.length > 0) {
    r.lateResponse = true;
    r.refs.push(respAfter[0]);
  }
  return r;
}

/** A FIN this soon after the request went out with it: a half-close (shutdown), not a time-out. */
const HALF_CLOSE_SECONDS = 0.2;

/**
 * When the gateway gave up on the response: its RST, or its FIN unless that FIN was a half-close
 * (RFC 9293 section 3.6) it sent with the request, after which it still read: the backend's data
 * after it was ACKed rather than reset, or the FIN came at once with nothing after it. Order of
 * events decides: a backend FIN after a half-close is the backend closing first.
 */
function gaveUp(
  c: ConnRecord,
  lastReq: TcpSegmentRef,
  respAfter: TcpSegmentRef[],
  answeredByRst: (x: TcpSegmentRef) => boolean,
): TcpClose | null {
  const close = c.origClose && c.origClose.ref.ts >= lastReq.ts ? c.origClose : null;
  if (!close || close.how === "rst") return close;
  const dataAfter = respAfter.filter((x) => x.ts > close.ref.ts);
  const halfClose =
    dataAfter.some((x) => !answeredByRst(x)) ||
    (dataAfter.length === 0 && close.ref.ts - lastReq.ts < HALF_CLOSE_SECONDS);
  if (!halfClose) return close;
  // Still reading after the half-close: a later RST of its own is where it gave up.
  const rst = c.resets.find((x) => x.dir === "orig" && x.ts > close.ref.ts);
  return rst ? { by: "orig", how: "rst", ref: rst } : null;
}

/**
 * Whether the responder ACKed all of the last request (it reached the backend's kernel), by
 * `before` when given: an ACK that came only after the gateway gave up shows the request was lost
 * on the way and retransmitted, not that it arrived in time.
 */
export function requestAcked(
  c: Pick<TcpConnection, "segments">,
  before = Infinity,
  segs: TcpSegmentRef[] = c.segments,
): boolean {
  const origData = newData(segs, "orig");
  const last = origData[origData.length - 1];
  if (!last) return false;
  const end = (last.seq + last.len) >>> 0;
  return segs.some(
    (s) =>
      s.dir === "resp" &&
      (s.flags & TcpFlags.ACK) !== 0 &&
      s.ts >= last.ts &&
      s.ts <= before &&
      ((s.ack - end) | 0) >= 0,
  );
}

/**
 * What happened to one TCP connection from the gateway to its backend, read from its Zeek-style
 * record: the handshake (answered, refused, ICMP, silence), then the request/response exchange
 * after the last request, then who closed. The vocabulary is the taxonomy's evidence column.
 */
import type { FlowSummary, IcmpError, PacketRef, TcpClose, TcpConnection } from "../flows/types.js";
import { TcpFlags } from "../flows/types.js";
import { segmentView, type SegmentView } from "../flows/segment-view.js";

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

const has = (s: SegmentView, i: number, f: number) => (s.flags(i) & f) !== 0;

/**
 * The fields an outcome is read from, besides the segments (a SegmentView). A streamed record's
 * are getters that build their objects on each read, so conn-table.ts reads each once into a
 * plain object of this shape.
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
>;

/**
 * One side's data segments that carried bytes beyond everything it had sent before: first
 * transmissions, not retransmissions (a retransmitted request after the gateway's FIN is not a
 * new request, and a retransmitted earlier response is not the answer to the last one).
 */
export function newData(segs: SegmentView, dir: "orig" | "resp"): number[] {
  const out: number[] = [];
  eachNewData(segs, dir === "resp", (i) => out.push(i));
  return out;
}

/** The last of newData(segs, side) (-1 for none), with no list made. */
function lastNewData(segs: SegmentView, resp: boolean): number {
  let last = -1;
  eachNewData(segs, resp, (i) => (last = i));
  return last;
}

/** Calls `visit` with each of one side's segments that newData lists, in order. */
function eachNewData(segs: SegmentView, resp: boolean, visit: (i: number) => void): void {
  let end: number | null = null;
  for (let i = 0; i < segs.length; i++) {
    if (segs.resp(i) !== resp || segs.len(i) === 0 || has(segs, i, TcpFlags.RST)) continue;
    const e = (segs.seq(i) + segs.len(i)) >>> 0;
    if (end === null || ((e - end) | 0) > 0) {
      visit(i);
      end = e;
    }
  }
}

/** Pure ACKs repeating the previous ACK number from the same side while the other side sent data (RFC 5681 section 2). */
export function countDupAcks(segs: SegmentView): number {
  return dupAcksOf(segs, false) + dupAcksOf(segs, true);
}

/** One side's duplicate ACKs: the same ACK number and window as its previous ACK. */
function dupAcksOf(segs: SegmentView, resp: boolean): number {
  let dups = 0;
  let seen = false;
  let ack = 0;
  let win = 0;
  for (let i = 0; i < segs.length; i++) {
    if (segs.resp(i) !== resp || !has(segs, i, TcpFlags.ACK)) continue;
    const pure = segs.len(i) === 0 && !has(segs, i, TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST);
    // Same ACK and same window: a window update is not a duplicate (RFC 5681 section 2, DUPLICATE ACKNOWLEDGMENT).
    if (pure && seen && ack === segs.ack(i) && win === segs.window(i)) dups++;
    seen = true;
    ack = segs.ack(i);
    win = segs.window(i);
  }
  return dups;
}

/** Alert names that end a TLS session normally, not a handshake failure. */
const BENIGN_ALERTS = new Set(["close_notify", "user_canceled"]);
/** TLS handshake type certificate_request (RFC 8446 section 4.3.2, RFC 5246 section 7.4.4). */
const CERTIFICATE_REQUEST = 13;
/** An encrypted alert (TLS 1.3, or 1.2 after ChangeCipherSpec) is one short record: 24-31 bytes. */
const ALERT_SIZED = 40;

/** `segs` defaults to the record's own segments, for a record that has them (a TcpConnection). */
export function readConn(
  c: ConnRecord & Partial<Pick<TcpConnection, "segments">>,
  summary: Pick<FlowSummary, "icmp">,
  segs: SegmentView = segmentView(c),
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
  if (firstSynAck && c.syns.length > 1) {
    let before = 0;
    for (let k = 0; k < c.syns.length; k++) if (c.syns[k].ts < firstSynAck.ts) before++;
    r.lateHandshake = before > 1;
  }

  let icmp: IcmpError | undefined;
  for (let k = 0; k < c.icmpErrors.length; k++) {
    const e = summary.icmp[c.icmpErrors[k]];
    if (e && e.kind === "unreachable") {
      icmp = e;
      break;
    }
  }
  // Picked up midstream (the capture began after the handshake): the exchange still shows.
  const midstream = !firstSynAck && c.syns.length === 0 && c.origBytes > 0;
  if (!firstSynAck && !midstream) {
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
  r.refs = firstSynAck ? [c.syns[0] ?? firstSynAck, firstSynAck] : [];
  if (
    firstSynAck &&
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
      // A TLS 1.2 backend's plaintext CertificateRequest tells what its handshake_failure is about.
      if (
        alert.dir === "resp" &&
        c.tls.handshake.some((h) => h.dir === "resp" && h.type === CERTIFICATE_REQUEST)
      )
        r.tlsAlert += " after the backend asked for a client certificate";
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
    if (segs.ts(last) <= exchangedAt || segs.len(last) > ALERT_SIZED) break;
    origData.pop();
  }
  const lastReq = origData.length > 0 ? origData[origData.length - 1] : -1;
  if (lastReq < 0) {
    if (c.respClose?.how === "rst") return { ...r, outcome: "reset", refs: [...r.refs, c.respClose.ref] };
    if (c.respClose?.how === "fin") return { ...r, outcome: "closed", refs: [...r.refs, c.respClose.ref] };
    return { ...r, outcome: "idle" };
  }
  const reqTs = segs.ts(lastReq);
  r.refs.push(segs.ref(lastReq));
  const respAfter = newData(segs, "resp").filter((i) => segs.ts(i) >= reqTs);
  // A response the gateway's kernel answers with a bare RST reached a socket already closed: the
  // gateway had given up (closed with the request still unacknowledged, so no FIN went out first).
  const answeredByRst = (x: number) => {
    const t = segs.ts(x);
    for (let y = 0; y < segs.length; y++)
      if (!segs.resp(y) && segs.ts(y) >= t) return has(segs, y, TcpFlags.RST) && !has(segs, y, TcpFlags.ACK);
    return false;
  };
  const origGaveUp = gaveUp(
    c,
    reqTs,
    respAfter.map((i) => segs.ts(i)),
    (k) => answeredByRst(respAfter[k]),
  );
  const inTime = respAfter.filter(
    (x) => (!origGaveUp || segs.ts(x) <= origGaveUp.ref.ts) && !answeredByRst(x),
  );

  const refusal = c.tls ? backendTlsAlert(c, segs, reqTs) : -1;
  if (refusal >= 0 && inTime.every((i) => i === refusal))
    return {
      ...r,
      outcome: "tls-failed",
      tlsAlert:
        "encrypted alert after the gateway's Finished, where a TLS 1.3 backend checks the client certificate",
      tlsAlertBy: "resp",
      refs: [...r.refs, segs.ref(refusal), c.respClose!.ref],
    };
  // TLS aborted by the gateway after the server's flight: its last bytes are one alert-sized record.
  if (c.tls && !inTime.length && segs.len(lastReq) <= ALERT_SIZED && (c.origClose || c.respClose)) {
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
    r.refs.push(segs.ref(inTime[0]));
    if (c.respClose?.how === "rst" && inTime.length > 0) r.refs.push(c.respClose.ref);
    return r;
  }
  const respRst = c.resets.find((x) => x.dir === "resp" && x.ts >= reqTs);
  const respFin = c.respClose?.how === "fin" && c.respClose.ref.ts >= reqTs ? c.respClose : null;
  const before = (t: number) => !origGaveUp || t <= origGaveUp.ref.ts;
  if (respRst && before(respRst.ts)) return { ...r, outcome: "reset", refs: [...r.refs, respRst] };
  if (respFin && before(respFin.ref.ts)) return { ...r, outcome: "closed", refs: [...r.refs, respFin.ref] };
  r.outcome = "no-response";
  if (origGaveUp) {
    r.waited = origGaveUp.ref.ts - reqTs;
    r.gaveUpAt = origGaveUp.ref.ts;
    r.refs.push(origGaveUp.ref);
  }
  if (respAfter.length > 0) {
    r.lateResponse = true;
    r.refs.push(segs.ref(respAfter[0]));
  }
  return r;
}

/**
 * The backend's encrypted alert after the gateway's Finished, where TLS 1.3 servers check a
 * client's certificate (RFC 8446 section 4.4.2.4: certificate_required, bad_certificate) while the
 * gateway already counts the handshake done: after the backend's flight, one alert-sized record and
 * its close, with nothing else from the backend since the gateway answered its flight. A
 * close_notify closing a session the backend accepted follows its session tickets (TLS 1.3) or its
 * ChangeCipherSpec and Finished (TLS 1.2). The record's index in `segs`, or -1.
 */
function backendTlsAlert(c: ConnRecord, segs: SegmentView, reqTs: number): number {
  const close = c.respClose;
  if (!close) return -1;
  const data = newData(segs, "resp");
  if (data.length < 2) return -1;
  const last = data[data.length - 1];
  const t = segs.ts(last);
  if (segs.len(last) > ALERT_SIZED || t > close.ref.ts) return -1;
  if (t < reqTs) return last;
  // The gateway's answer to the backend's first flight: its first data after that flight began.
  const flightTs = segs.ts(data[0]);
  const answer = newData(segs, "orig").find((i) => segs.ts(i) > flightTs);
  if (answer === undefined) return -1;
  return segs.ts(data[data.length - 2]) < segs.ts(answer) ? last : -1;
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
  reqTs: number,
  respAfterTs: number[],
  answeredByRst: (k: number) => boolean,
): TcpClose | null {
  const close = c.origClose && c.origClose.ref.ts >= reqTs ? c.origClose : null;
  if (!close || close.how === "rst") return close;
  // The responses after the close, by their place in respAfterTs.
  const dataAfter = respAfterTs.flatMap((t, k) => (t > close.ref.ts ? [k] : []));
  const halfClose =
    dataAfter.some((k) => !answeredByRst(k)) ||
    (dataAfter.length === 0 && close.ref.ts - reqTs < HALF_CLOSE_SECONDS);
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
export function requestAcked(segs: SegmentView, before = Infinity): boolean {
  const last = lastNewData(segs, false);
  if (last < 0) return false;
  const lastTs = segs.ts(last);
  const end = (segs.seq(last) + segs.len(last)) >>> 0;
  for (let i = 0; i < segs.length; i++)
    if (
      segs.resp(i) &&
      has(segs, i, TcpFlags.ACK) &&
      segs.ts(i) >= lastTs &&
      segs.ts(i) <= before &&
      ((segs.ack(i) - end) | 0) >= 0
    )
      return true;
  return false;
}

/**
 * What happened to one TCP connection from the gateway to its backend, read from its Zeek-style
 * record: the handshake (answered, refused, ICMP, silence), then the request/response exchange
 * after the last request, then who closed. The vocabulary is the taxonomy's evidence column.
 */
import type { FlowSummary, IcmpError, PacketRef, TcpConnection, TcpSegmentRef } from "../flows/types.js";
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

/**
 * A TLS client that closes after its response sends close_notify: one alert-sized encrypted
 * record after the server's data (nginx does; Node's client kept its connections open). That
 * record ends the session and is no request: the request is the last bigger record before the
 * server's answer. Returns it, or undefined when the last record is not such a close. A client's
 * failure alert follows only handshake records (ClientHello, ChangeCipherSpec), never a request.
 */
function closeNotifyAfterResponse(
  c: TcpConnection,
  origData: TcpSegmentRef[],
  segs: TcpSegmentRef[],
): TcpSegmentRef | undefined {
  if (!c.tls || origData.length < 3) return undefined;
  const last = origData[origData.length - 1];
  if (last.len > ALERT_SIZED) return undefined;
  // After the ClientHello, the client's last record bigger than an alert: a Finished or a request.
  const req = origData
    .slice(1, -1)
    .reverse()
    .find((x) => x.len > ALERT_SIZED);
  if (!req) return undefined;
  const answered = newData(segs, "resp").some((x) => x.ts > req.ts && x.ts <= last.ts && x.len > ALERT_SIZED);
  return answered ? req : undefined;
}

export function readConn(c: TcpConnection, summary: FlowSummary): ConnReading {
  const segs = c.segments;
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
  if (c.tls) {
    const alert = c.tls.alerts.find(
      (a) => a.descriptionName === null || !BENIGN_ALERTS.has(a.descriptionName),
    );
    const closed = c.origClose ?? c.respClose;
    if (alert && (!c.tls.established || alert.level === 2)) {
      r.outcome = "tls-failed";
      r.tlsAlert = alert.descriptionName ?? "encrypted alert";
      r.tlsAlertBy = alert.dir;
      r.refs.push(alert);
      return r;
    }
    if (!c.tls.established && closed) {
      r.outcome = "tls-failed";
      r.tlsAlertBy = closed.by;
      r.refs.push(closed.ref);
      return r;
    }
  }

  const origData = newData(segs, "orig");
  const lastReq = closeNotifyAfterResponse(c, origData, segs) ?? origData[origData.length - 1];
  if (!lastReq) {
    if (c.respClose?.how === "rst") return { ...r, outcome: "reset", refs: [...r.refs, c.respClose.ref] };
    if (c.respClose?.how === "fin") return { ...r, outcome: "closed", refs: [...r.refs, c.respClose.ref] };
    return { ...r, outcome: "idle" };
  }
  r.refs.push(lastReq);
  const origGaveUp = c.origClose && c.origClose.ref.ts >= lastReq.ts ? c.origClose : null;
  const respAfter = newData(segs, "resp").filter((s) => s.ts >= lastReq.ts);
  // A response the gateway's kernel answers with a bare RST reached a socket already closed: the
  // gateway had given up (closed with the request still unacknowledged, so no FIN went out first).
  const answeredByRst = (x: TcpSegmentRef) => {
    const next = segs.find((y) => y.dir === "orig" && y.ts >= x.ts);
    return next !== undefined && has(next, TcpFlags.RST) && !has(next, TcpFlags.ACK);
  };
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
    r.refs.push(origGaveUp.ref);
  }
  if (respAfter.length > 0) {
    r.lateResponse = true;
    r.refs.push(respAfter[0]);
  }
  return r;
}

/** Whether the responder ACKed all of the last request (it reached the backend's kernel). */
export function requestAcked(c: TcpConnection): boolean {
  const origData = newData(c.segments, "orig");
  const last = origData[origData.length - 1];
  if (!last) return false;
  const end = (last.seq + last.len) >>> 0;
  return c.segments.some(
    (s) => s.dir === "resp" && (s.flags & TcpFlags.ACK) !== 0 && s.ts >= last.ts && ((s.ack - end) | 0) >= 0,
  );
}

/** Turn a finished TcpSession into the public TcpConnection record. */
import { TcpFlags, type PacketRef, type TcpConnection } from "./types.js";
import type { TcpSession } from "./tcp-session.js";
import type { TlsState } from "./tls-state.js";

export function tcpRecord(s: TcpSession, uid: string, capture: number, tls: TlsState | null, syn: { mss: number | null; ws: number | null }): TcpConnection {
  const syns = s.synLike.filter((x) => x.dir === "orig" && !x.ack).map((x) => x.ref);
  const synAcks = s.synLike.filter((x) => x.dir === "resp" && x.ack).map((x) => x.ref);
  const synGaps: number[] = [];
  for (let i = 1; i < syns.length; i++) synGaps.push(syns[i].ts - syns[i - 1].ts);
  let handshakeRtt: number | null = null;
  if (synAcks.length && syns.length) {
    const sa = synAcks[0];
    const before = syns.filter((x) => x.ts <= sa.ts);
    if (before.length) handshakeRtt = sa.ts - before[before.length - 1].ts;
  }
  let handshakeAck: PacketRef | null = null;
  if (synAcks.length) {
    const sa = synAcks[0];
    const a = s.segments.find((x) => x.dir === "orig" && x.n > sa.n && x.capture === sa.capture && (x.flags & (TcpFlags.ACK | TcpFlags.SYN | TcpFlags.RST)) === TcpFlags.ACK);
    if (a) handshakeAck = { capture: a.capture, n: a.n, ts: a.ts };
  }
  const fo = s.firstData.orig;
  const fr = s.firstData.resp;
  const oc = s.close.orig;
  const rc = s.close.resp;
  const closedBy = oc && rc ? (oc.ref.n <= rc.ref.n ? oc : rc) : (oc ?? rc);
  return {
    uid,
    capture,
    id: { proto: "tcp", origH: s.origH, origP: s.origP, respH: s.respH, respP: s.respP },
    connState: s.connState(),
    history: s.hist.text,
    start: s.start,
    duration: s.last - s.start,
    origPkts: s.orig.pkts,
    respPkts: s.resp.pkts,
    origBytes: s.orig.payloadBytes,
    respBytes: s.resp.payloadBytes,
    origIpBytes: s.orig.ipBytes,
    respIpBytes: s.resp.ipBytes,
    syns,
    synGaps,
    synAcks,
    handshakeRtt,
    handshakeAck,
    firstOrigData: fo,
    firstRespData: fr,
    responseDelay: fo && fr ? fr.ts - fo.ts : null,
    origClose: oc,
    respClose: rc,
    closedBy,
    resets: s.resets,
    retransmissions: s.orig.rxmt + s.resp.rxmt,
    zeroWindows: s.orig.zeroWin + s.resp.zeroWin,
    origTtls: s.orig.ttls,
    respTtls: s.resp.ttls,
    segments: s.segments,
    segmentsTruncated: s.segmentsTruncated,
    tls: tls && tls.active ? tls.info : null,
    icmpErrors: [],
    synMss: syn.mss,
    synWindowScale: syn.ws,
  };
}

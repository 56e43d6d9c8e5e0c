/**
 * The flow analysis: packets in, Zeek-style records out. One instance per analysis; captures are
 * kept apart (each capture point gets its own connections), so the engine can compare them.
 */
import { decodeArp } from "../decode/arp.js";
import { isMulticastOrBroadcast } from "../decode/address.js";
import { decodeIcmpQuote, icmpKind } from "../decode/icmp.js";
import { CK_BAD, decodePacket, IPPROTO, newDecodedPacket, type DecodedPacket } from "../decode/packet.js";
import { parseTcpOptions } from "../decode/tcp-options.js";
import { looksLikeTlsRecord } from "../decode/tls.js";
import type { RawPacket } from "../pcap/types.js";
import { ArpTracker } from "./arp-tracker.js";
import { DatagramSession } from "./datagram-session.js";
import { DNS_PORTS, DnsTracker } from "./dns-tracker.js";
import { joinIcmpErrors } from "./icmp-join.js";
import { LIKELY_TCP_SERVER_PORTS, LIKELY_UDP_SERVER_PORTS } from "./likely-server-ports.js";

/** Bare mode's TCP part of likely_server_ports: no TCP protocol script registered a port. */
const NO_PORTS = new Set<number>();
import { TcpSession, type TcpPacketIn } from "./tcp-session.js";
import { ipv4Number, TcpFlowTable, type FlowSlot } from "./tcp-flow-table.js";
import { tcpRecord } from "./tcp-record.js";
import { CopyFilter } from "./copy-filter.js";
import { sharedTexts } from "./shared-texts.js";
import { TlsState } from "./tls-state.js";
import {
  TcpFlags,
  type AnalyzeOptions,
  type CaptureInfo,
  type DatagramConnection,
  type DnsTransaction,
  type FlowSummary,
  type IcmpError,
  type PacketRef,
  type Problem,
  type TcpConnection,
} from "./types.js";

/** Zeek's tcp_inactivity_timeout (5 min) and udp_inactivity_timeout (1 min), init-bare.zeek. */
const TCP_INACTIVITY = 300;
const UDP_INACTIVITY = 60;
/**
 * Finished flows leave the open tables early (see sweep) only this long after Zeek would have
 * expired them, so that a packet stamped a little earlier than one before it (merged or reordered
 * captures) still meets its connection, as it would without the sweep. Seconds, not a minute: a
 * closed connection's session stays for Zeek's 5 s close delay plus this, so at thousands of
 * connections a second a minute's slack held over ten times the sessions really open
 * (sweep-slack.test.ts).
 */
const SWEEP_SLACK = 5;
/**
 * Sweep at most once per this many packets and per as many packets as flows are open: one look
 * at an open flow per packet, amortised, and the table holds at most about twice the flows that
 * are really open (those that came since the last sweep may have ended).
 */
const SWEEP_EVERY = 256;

const ICMP4_PAIRS: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };
const ICMP6_PAIRS: Record<number, number> = { 128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135 };

/** One key for both directions of a flow: the lower endpoint first. */
function flowKey(capture: number, proto: number, a: string, ap: number, b: string, bp: number): string {
  return a < b || (a === b && ap < bp)
    ? `${capture}|${proto}|${a}|${ap}|${b}|${bp}`
    : `${capture}|${proto}|${b}|${bp}|${a}|${ap}`;
}

interface TcpEntry extends FlowSlot {
  s: TcpSession;
  uid: string;
  /** Position in creation order = position in the summary (capture, then first packet). */
  index: number;
  tls: TlsState | null;
  mss: number | null;
  synMacs: { src: string; dst: string } | null;
  ws: number | null;
  /** Sides (1 orig, 2 resp) whose first payload has been seen, for TLS detection. */
  payloadSeen: number;
  /** ICMP errors quoting it that came while it was open (handed over with a streamed record). */
  icmp: number[] | null;
}

/**
 * Takes each TCP record as its connection ends, instead of the summary keeping it: memory then
 * follows the open connections, not the capture. Records come in the order connections end.
 */
export type TcpSink = (c: TcpConnection, icmp: readonly IcmpError[]) => void;

/** The same for UDP, ICMP and other datagram flows: the summary then keeps none of them. */
export type DatagramSink = (c: DatagramConnection) => void;

/**
 * The same for DNS transactions (dns-tracker.ts): each once it can change no more, with its place
 * in the order transactions began and the ICMP errors seen so far. The summary then keeps none.
 */
export type DnsSink = (t: DnsTransaction, seq: number, icmp: readonly IcmpError[]) => void;

interface DgEntry {
  s: DatagramSession;
  uid: string;
  index: number;
  capture: number;
  /** ICMP errors quoting it that came while it was open (handed over with a streamed record). */
  icmp: number[] | null;
}

export class FlowAnalyzer {
  private readonly opts: Required<AnalyzeOptions>;
  private readonly dp: DecodedPacket = newDecodedPacket();
  private tcpOpen = new TcpFlowTable<TcpEntry>();
  /** Records in summary order; a slot is filled when its flow ends (or at finish). */
  private tcpRecs: (TcpConnection | null)[] = [];
  private dgOpen = new Map<string, DgEntry>();
  private dgRecs: (DatagramConnection | null)[] = [];
  /** Latest timestamp seen in the capture being read, and when the open tables were last swept. */
  private now = -Infinity;
  private sinceSweep = 0;
  private readonly tcpRef: PacketRef = { capture: 0, n: 0, ts: 0 };
  /** Reused for every TCP packet, and its `ref` too (TcpSession.process copies what it keeps). */
  private readonly tcpIn: TcpPacketIn = {
    ref: { capture: 0, n: 0, ts: 0 },
    flags: 0,
    seq: 0,
    ack: 0,
    window: 0,
    len: 0,
    cap: 0,
    ipLen: 0,
    ttl: 0,
    badChecksum: false,
  };
  private readonly dns: DnsTracker;
  private arp = new ArpTracker();
  private icmp: IcmpError[] = [];
  private problems: Problem[] = [];
  private droppedProblems = 0;
  private readonly copies = new CopyFilter();
  private tcpCount = 0;
  private dgCount = 0;
  readonly captures: CaptureInfo[] = [];
  packets = 0;

  constructor(
    opts: AnalyzeOptions = {},
    private readonly sink: TcpSink | null = null,
    private readonly dgSink: DatagramSink | null = null,
    dnsSink: DnsSink | null = null,
  ) {
    this.dns = new DnsTracker(dnsSink && ((t, seq) => dnsSink(t, seq, this.icmp)));
    this.opts = {
      ignoreChecksums: opts.ignoreChecksums ?? false,
      maxSegmentsPerConn: opts.maxSegmentsPerConn ?? 2000,
      bare: opts.bare ?? false,
      maxProblems: opts.maxProblems ?? 1000,
      attemptTimeout: opts.attemptTimeout ?? null,
      sinkBorrows: opts.sinkBorrows ?? false,
    };
  }

  private readonly report = (p: Problem): void => this.problem(p);

  problem(p: Problem): void {
    if (this.problems.length < this.opts.maxProblems) this.problems.push(p);
    else this.droppedProblems++;
  }

  /** Feed one packet (the object may be reused by the caller after return). */
  packet(pkt: RawPacket): void {
    this.packets++;
    const d = decodePacket(pkt.data, pkt.linkType, this.dp, !this.opts.ignoreChecksums);
    if (pkt.ts > this.now) this.now = pkt.ts;
    if (++this.sinceSweep >= SWEEP_EVERY && this.sinceSweep >= this.tcpOpen.size + this.dgOpen.size)
      this.sweep();
    if (d.problem)
      this.problem({
        kind: d.problem.startsWith("link type") ? "unknown-linktype" : "truncated-packet",
        capture: pkt.capture,
        offset: pkt.offset,
        packet: pkt.n,
        message: d.problem,
      });
    if (d.l3 === 0x806) {
      const m = decodeArp(d.data, d.l3Off);
      if (m) this.arp.message(pkt.capture, m, { capture: pkt.capture, n: pkt.n, ts: pkt.ts });
      return;
    }
    if (d.l3 === 0 || (d.proto === 0 && d.problem)) return;
    if (d.fragment && d.fragOffset > 0) return;
    if (this.copies.isCopy(d, pkt.capture, pkt.ts)) return;
    if (d.ipChecksumBad) {
      this.problem({
        kind: "bad-checksum",
        capture: pkt.capture,
        offset: pkt.offset,
        packet: pkt.n,
        message: `IPv4 header checksum of ${d.src} > ${d.dst} is wrong; packet ignored`,
      });
      return;
    }
    // TCP, most packets, borrows one ref for all of them (TcpSession copies what it keeps).
    if (d.proto === IPPROTO.TCP) {
      const r = this.tcpRef;
      r.capture = pkt.capture;
      r.n = pkt.n;
      r.ts = pkt.ts;
      if (d.tcpHdrLen >= 20 && d.problem === null) this.tcp(d, r, pkt.linkType);
      return;
    }
    const ref: PacketRef = { capture: pkt.capture, n: pkt.n, ts: pkt.ts };
    switch (d.proto) {
      case IPPROTO.UDP:
        if (d.l4Cap >= 8) this.udp(d, ref);
        return;
      case IPPROTO.ICMP:
      case IPPROTO.ICMPV6:
        if (d.l4Cap >= 4) this.icmpPacket(d, ref);
        return;
      default:
        if (d.problem === null) this.other(d, ref);
    }
  }

  private tcp(d: DecodedPacket, ref: PacketRef, linkType: number): void {
    let e = this.tcpOpen.get(ref.capture, d.src, d.src4, d.sport, d.dst, d.dst4, d.dport);
    const flags = d.tcpFlags;
    if (e) {
      const isOrig = e.s.isFromOrig(d.src, d.sport);
      if (
        ref.ts - e.s.last >= TCP_INACTIVITY ||
        e.s.expired(ref.ts, this.opts.attemptTimeout) ||
        e.s.isReuse(flags, isOrig, d.seq)
      ) {
        this.closeTcp(e);
        e = undefined;
      }
    }
    if (!e) {
      e = this.newTcp(d, ref);
      const s = e.s;
      // TCP.cc WantConnection: a first packet that is not a bare SYN may be flipped by port.
      const ports = this.opts.bare ? NO_PORTS : LIKELY_TCP_SERVER_PORTS;
      if ((flags & (TcpFlags.SYN | TcpFlags.ACK)) !== TcpFlags.SYN && ports.has(d.sport)) {
        if (!ports.has(d.dport)) s.flip();
        else if (!(flags & TcpFlags.SYN) && d.sport < d.dport) s.flip();
      }
      this.tcpOpen.set(ref.capture, d.src, d.src4, d.sport, d.dst, d.dst4, d.dport, e);
    }
    const s = e.s;
    const bad = d.checksum === CK_BAD;
    if (bad)
      this.problem({
        kind: "bad-checksum",
        capture: ref.capture,
        offset: null,
        packet: ref.n,
        message: `TCP checksum of ${d.src}:${d.sport} > ${d.dst}:${d.dport} is wrong`,
      });
    const flipsBefore = s.flips;
    const p = this.tcpIn;
    p.ref = ref;
    p.flags = flags;
    p.seq = d.seq;
    p.ack = d.ack;
    p.window = d.window;
    p.len = d.payloadLen;
    p.cap = d.payloadCap;
    p.ipLen = d.ipLen;
    p.ttl = d.ttl;
    p.badChecksum = bad;
    s.process(s.isFromOrig(d.src, d.sport), p, this.opts.ignoreChecksums);
    if (e.tls && s.flips !== flipsBefore && (s.flips - flipsBefore) % 2 === 1) e.tls.flip();
    if (bad && !this.opts.ignoreChecksums) return;
    const fromOrig = s.isFromOrig(d.src, d.sport);
    if (flags & TcpFlags.SYN && !(flags & TcpFlags.ACK) && fromOrig && e.synMacs === null && linkType === 1)
      e.synMacs = { src: this.intern(mac(d.data, 6)), dst: this.intern(mac(d.data, 0)) };
    if (flags & TcpFlags.SYN && !(flags & TcpFlags.ACK) && fromOrig && e.mss === null && d.tcpHdrLen > 20) {
      // The header length is checked against the IP length, not the captured bytes: a SYN snapped
      // inside its options has fewer option bytes than the header says.
      const o = parseTcpOptions(d.data, d.l4Off + 20, d.l4Off + Math.min(d.tcpHdrLen, d.l4Cap));
      e.mss = o.mss;
      e.ws = o.windowScale;
    }
    if (d.payloadCap > 0 && !(flags & TcpFlags.RST)) {
      // TLS state only for connections whose first payload on some side looks like a TLS record.
      const bit = fromOrig ? 1 : 2;
      if (!e.tls && !(e.payloadSeen & bit) && looksLikeTlsRecord(d.data, d.payloadOff, d.payloadCap))
        e.tls = new TlsState(e.uid);
      if (e.tls) {
        const msg = e.tls.segment(
          fromOrig ? "orig" : "resp",
          d.data,
          d.payloadOff,
          d.payloadCap,
          ref,
          d.payloadLen,
        );
        if (msg)
          this.problem({
            kind: "malformed-tls",
            capture: ref.capture,
            offset: null,
            packet: ref.n,
            message: `${e.uid}: ${msg}`,
          });
      }
      e.payloadSeen |= bit;
      if (!e.tls?.active && (DNS_PORTS.has(d.sport) || DNS_PORTS.has(d.dport)) && d.payloadCap > 14) {
        // DNS over TCP: a 2-byte length prefix (RFC 1035 section 4.2.2); only whole messages in one segment.
        const mlen = (d.data[d.payloadOff] << 8) | d.data[d.payloadOff + 1];
        if (mlen + 2 <= d.payloadCap)
          this.dns.message(
            ref.capture,
            e.uid,
            "tcp",
            s.origH,
            s.origP,
            s.respH,
            s.respP,
            d.data,
            d.payloadOff + 2,
            mlen,
            { capture: ref.capture, n: ref.n, ts: ref.ts },
            this.report,
          );
      }
    }
  }

  /** A connection's entry: one an ended connection left (its session reset), or a new one. */
  private newTcp(d: DecodedPacket, ref: PacketRef): TcpEntry {
    const uid = `T${++this.tcpCount}`;
    const index = this.tcpRecs.length;
    if (!this.sink) this.tcpRecs.push(null);
    const e = this.freeTcp.pop();
    if (!e)
      return {
        s: new TcpSession(d.src, d.sport, d.dst, d.dport, ref.ts, this.opts.maxSegmentsPerConn),
        uid,
        index,
        capture: ref.capture,
        lo: 0,
        hi: 0,
        ports: 0,
        text: null,
        at: 0,
        tls: null,
        mss: null,
        ws: null,
        synMacs: null,
        payloadSeen: 0,
        icmp: null,
      };
    e.s.reset(d.src, d.sport, d.dst, d.dport, ref.ts);
    e.uid = uid;
    e.index = index;
    e.capture = ref.capture;
    e.text = null;
    e.tls = e.mss = e.ws = e.synMacs = e.icmp = null;
    e.payloadSeen = 0;
    return e;
  }

  /**
   * Ended connections' entries, for later ones: an entry and its session live as long as their
   * connection, long enough that the garbage collector would copy them to its old generation,
   * where they would then die; reused, they are copied once. At most as many as were open at once.
   */
  private readonly freeTcp: TcpEntry[] = [];
  /** The evidence array that every record handed to a borrowing sink shares (opts.sinkBorrows). */
  private readonly recordScratch: number[] = [];

  /** Ends a connection that left the open table: its record, then its entry is free. */
  private closeTcp(e: TcpEntry): void {
    this.endTcp(e);
    this.tcpOpen.delete(e);
    this.freeTcp.push(e);
  }

  private datagram(
    proto: "udp" | "icmp" | "unknown_transport",
    ipProto: number,
    d: DecodedPacket,
    sport: number,
    dport: number,
    ref: PacketRef,
    flipPorts: Set<number> | null,
  ): DgEntry {
    const key = flowKey(ref.capture, ipProto, d.src, sport, d.dst, dport);
    let e = this.dgOpen.get(key);
    if (e && ref.ts - e.s.last >= UDP_INACTIVITY) {
      this.endDatagram(e);
      this.dgOpen.delete(key);
      e = undefined;
    }
    if (!e) {
      const s = new DatagramSession(proto, ipProto, d.src, sport, d.dst, dport, ref.ts);
      // UDP.cc WantConnection: flip when the source port is a likely server port and the destination's is not.
      if (flipPorts && flipPorts.has(sport) && !flipPorts.has(dport) && !isMulticastOrBroadcast(d.dst))
        s.flip();
      e = { s, uid: `U${++this.dgCount}`, index: this.dgRecs.length, capture: ref.capture, icmp: null };
      if (!this.dgSink) this.dgRecs.push(null);
      this.dgOpen.set(key, e);
    }
    return e;
  }

  private udp(d: DecodedPacket, ref: PacketRef): void {
    const e = this.datagram("udp", 17, d, d.sport, d.dport, ref, LIKELY_UDP_SERVER_PORTS);
    const bad = d.checksum === CK_BAD && !this.opts.ignoreChecksums;
    if (d.checksum === CK_BAD)
      this.problem({
        kind: "bad-checksum",
        capture: ref.capture,
        offset: null,
        packet: ref.n,
        message: `UDP checksum of ${d.src}:${d.sport} > ${d.dst}:${d.dport} is wrong`,
      });
    e.s.add(e.s.isFromOrig(d.src, d.sport), ref, d.payloadLen, d.ttl, bad);
    if (bad) return;
    if ((DNS_PORTS.has(d.sport) || DNS_PORTS.has(d.dport)) && d.payloadCap > 0)
      this.dns.message(
        ref.capture,
        e.uid,
        "udp",
        e.s.origH,
        e.s.origP,
        e.s.respH,
        e.s.respP,
        d.data,
        d.payloadOff,
        d.payloadCap,
        ref,
        this.report,
      );
  }

  private icmpPacket(d: DecodedPacket, ref: PacketRef): void {
    const v6 = d.proto === IPPROTO.ICMPV6;
    if (d.checksum === CK_BAD && !this.opts.ignoreChecksums) {
      this.problem({
        kind: "bad-checksum",
        capture: ref.capture,
        offset: null,
        packet: ref.n,
        message: `ICMP checksum from ${d.src} is wrong; packet ignored`,
      });
      return;
    }
    const kind = icmpKind(v6, d.icmpType);
    if (kind) {
      const quote = decodeIcmpQuote(d.data, d.payloadOff, d.payloadCap);
      if (this.sink && quote?.proto === "tcp") {
        // A streamed record leaves before the summary's join: join it now, while it is open.
        const open = this.tcpOpen.get(
          ref.capture,
          quote.src,
          ipv4Number(quote.src),
          quote.srcPort,
          quote.dst,
          ipv4Number(quote.dst),
          quote.dstPort,
        );
        if (open) (open.icmp ??= []).push(this.icmp.length);
      }
      if (this.dgSink && quote?.proto === "udp") {
        const open = this.dgOpen.get(
          flowKey(ref.capture, 17, quote.src, quote.srcPort, quote.dst, quote.dstPort),
        );
        if (open) (open.icmp ??= []).push(this.icmp.length);
      }
      this.icmp.push({
        index: this.icmp.length,
        ref,
        v6,
        type: d.icmpType,
        code: d.icmpCode,
        kind,
        sender: d.src,
        receiver: d.dst,
        ttl: d.ttl,
        quote,
        flowUid: null,
      });
      return;
    }
    // Echo and other informational messages: ports are the message type and its reply type, so a
    // request and its reply share one flow (Zeek's ICMP conn ids: orig_p = type, resp_p = counterpart).
    const t = d.icmpType;
    const pair = (v6 ? ICMP6_PAIRS : ICMP4_PAIRS)[t];
    const dport = pair ?? d.icmpCode;
    const e = this.datagram("icmp", d.proto, d, t, dport, ref, null);
    e.s.add(e.s.isFromOrig(d.src, t), ref, d.payloadLen, d.ttl, false);
  }

  private other(d: DecodedPacket, ref: PacketRef): void {
    const e = this.datagram("unknown_transport", d.proto, d, 0, 0, ref, null);
    e.s.add(e.s.isFromOrig(d.src, 0), ref, Math.max(0, d.l4Len), d.ttl, false);
  }

  /** Few distinct history strings and MAC addresses per capture: one copy of each. */
  private readonly intern = sharedTexts(4096);

  /** Reduce a finished connection to its record; the session and its state machine can go. */
  private endTcp(e: TcpEntry): void {
    const borrowed = this.sink && this.opts.sinkBorrows ? this.recordScratch : undefined;
    const syn = { mss: e.mss, ws: e.ws, macs: e.synMacs };
    const r = tcpRecord(e.s, e.uid, e.capture, e.tls, syn, this.intern, borrowed);
    if (!this.sink) {
      this.tcpRecs[e.index] = r;
      return;
    }
    this.joinOpen(e, r);
    this.sink(r, this.icmp);
  }

  /** A streamed record takes the ICMP errors that quoted its flow while it was open. */
  private joinOpen(e: { uid: string; icmp: number[] | null }, r: { icmpErrors: number[] }): void {
    if (e.icmp)
      for (const i of e.icmp) {
        this.icmp[i].flowUid = e.uid;
        r.icmpErrors.push(i);
      }
  }

  private endDatagram(e: DgEntry): void {
    const r = e.s.toRecord(e.uid, e.capture);
    r.history = this.intern(r.history);
    if (!this.dgSink) {
      this.dgRecs[e.index] = r;
      return;
    }
    this.joinOpen(e, r);
    this.dgSink(r);
  }

  /**
   * Memory follows the open flows, not the file: flows that Zeek would already have expired
   * (closed, reset or attempt timers, inactivity) become records now instead of at the end. The
   * result is the same as expiring them when their next packet comes, because nothing about a
   * flow changes between its packets.
   */
  private sweep(): void {
    this.sinceSweep = 0;
    const t = this.now - SWEEP_SLACK;
    const attempt = this.opts.attemptTimeout;
    const done = this.tcpOpen.pick(
      ({ s }) =>
        (s.closeDeadline !== null && t >= s.closeDeadline) ||
        t - s.last >= TCP_INACTIVITY ||
        s.expired(t, attempt),
    );
    for (const e of done) this.closeTcp(e);
    for (const [k, e] of this.dgOpen)
      if (t - e.s.last >= UDP_INACTIVITY) {
        this.endDatagram(e);
        this.dgOpen.delete(k);
      }
    this.dns.expire(t - UDP_INACTIVITY, t - TCP_INACTIVITY);
  }

  /** After a capture's last packet none of its flows can continue (each capture has its own flows). */
  private endCapture(capture: number): void {
    for (const e of this.tcpOpen.pick((x) => x.capture === capture)) this.closeTcp(e);
    for (const [k, e] of this.dgOpen)
      if (e.capture === capture) {
        this.endDatagram(e);
        this.dgOpen.delete(k);
      }
    this.dns.end();
    this.now = -Infinity;
  }

  /** Called after each capture, in capture order (capture i is the i-th call). */
  noteCapture(info: CaptureInfo): void {
    this.captures.push(info);
    this.endCapture(this.captures.length - 1);
  }

  finish(): FlowSummary {
    for (const e of this.tcpOpen.pick(() => true)) this.endTcp(e);
    for (const e of this.dgOpen.values()) this.endDatagram(e);
    this.tcpOpen.clear();
    this.dgOpen.clear();
    this.dns.end();
    const tcp = this.tcpRecs as TcpConnection[];
    const datagrams = this.dgRecs as DatagramConnection[];
    // Streamed records were joined while open; only the summary's are left to join.
    joinIcmpErrors(
      this.sink || this.dgSink ? this.icmp.filter((e) => e.flowUid === null) : this.icmp,
      tcp,
      datagrams,
    );
    for (const [capture, n] of this.copies.dropped)
      this.problems.push({
        kind: "copies",
        capture,
        offset: null,
        packet: null,
        message: `${n} packet(s) seen a second time on another interface (a capture on several interfaces of a forwarding host), read once`,
      });
    if (this.droppedProblems > 0)
      this.problems.push({
        kind: "unsupported",
        capture: 0,
        offset: null,
        packet: null,
        message: `${this.droppedProblems} more problems not listed`,
      });
    return {
      captures: this.captures,
      packets: this.packets,
      tcp,
      datagrams,
      dns: this.dns.transactions,
      icmp: this.icmp,
      arp: this.arp.unanswered(),
      tls: tcp.flatMap((c) => (c.tls ? [c.tls] : [])),
      problems: this.problems,
    };
  }
}

/** The last address made and its bytes: most SYNs of a capture share their source and next hop. */
const lastMacs: { bytes: Uint8Array; text: string }[] = [
  { bytes: new Uint8Array(6), text: "" },
  { bytes: new Uint8Array(6), text: "" },
];

/** An Ethernet address as text (aa:bb:cc:dd:ee:ff), from six bytes at `o`. */
function mac(d: Uint8Array, o: number): string {
  const last = lastMacs[o === 0 ? 0 : 1];
  let same = last.text !== "";
  for (let i = 0; same && i < 6; i++) same = last.bytes[i] === (d[o + i] ?? 0);
  if (same) return last.text;
  for (let i = 0; i < 6; i++) last.bytes[i] = d[o + i] ?? 0;
  last.text = macText(d, o);
  return last.text;
}

function macText(d: Uint8Array, o: number): string {
  let t = "";
  for (let i = 0; i < 6; i++) t += (i ? ":" : "") + (d[o + i] ?? 0).toString(16).padStart(2, "0");
  return t;
}

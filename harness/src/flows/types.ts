/**
 * The records the flow analysis produces, in Zeek's vocabulary (scripts/base/protocols/conn/main.zeek,
 * dns/main.zeek, ssl/main.zeek). Other parts (the engine, reporters) code against these types:
 * extend them, never rename a field.
 *
 * Times are seconds since the epoch as floating point numbers (microsecond precision is exact;
 * nanosecond captures lose a few hundred nanoseconds, which no diagnosis depends on).
 */

/** Zeek's conn_state codes (conn/main.zeek, `conn_state` field documentation). */
export type ConnState =
  "S0" | "S1" | "SF" | "REJ" | "S2" | "S3" | "RSTO" | "RSTR" | "RSTOS0" | "RSTRH" | "SH" | "SHR" | "OTH";

export const CONN_STATES: readonly ConnState[] = [
  "S0",
  "S1",
  "SF",
  "REJ",
  "S2",
  "S3",
  "RSTO",
  "RSTR",
  "RSTOS0",
  "RSTRH",
  "SH",
  "SHR",
  "OTH",
];

/** Which side sent a packet: the originator (Zeek's "orig") or the responder ("resp"). */
export type Direction = "orig" | "resp";

/** Where a fact was seen: the capture (index into FlowSummary.captures), packet number (1-based, as tshark counts) and time. */
export interface PacketRef {
  capture: number;
  n: number;
  ts: number;
}

export type TransportProto = "tcp" | "udp" | "icmp" | "unknown_transport";

/** Zeek's conn_id: originator and responder address and port. For ICMP, ports hold type and code. */
export interface ConnId {
  proto: TransportProto;
  origH: string;
  origP: number;
  respH: string;
  respP: number;
}

/** TCP flag bits as on the wire (RFC 9293 section 3.1). */
export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** One TCP segment of a connection, kept for evidence (capped by AnalyzeOptions.maxSegmentsPerConn). */
export interface TcpSegmentRef extends PacketRef {
  dir: Direction;
  /** Raw flag byte (TcpFlags bits). */
  flags: number;
  seq: number;
  ack: number;
  /** Payload bytes carried. */
  len: number;
  window: number;
  ttl: number;
  /** Bad checksum (Zeek adds history `c`/`C` and otherwise ignores such a packet). */
  badChecksum: boolean;
}

export type CloseHow = "fin" | "rst";

export interface TcpClose {
  by: Direction;
  how: CloseHow;
  ref: PacketRef;
}

export interface TcpConnection {
  /** Stable within one summary: "T" + index in order of first packet. */
  uid: string;
  /** Capture the connection was seen in (each capture point gets its own records). */
  capture: number;
  id: ConnId & { proto: "tcp" };
  connState: ConnState;
  /** Zeek's history string (upper case = originator, `^` = direction flipped). */
  history: string;
  start: number;
  /** Last packet time minus start. */
  duration: number;
  origPkts: number;
  respPkts: number;
  /** Payload bytes seen per side (sum of segment payloads, retransmissions included). */
  origBytes: number;
  respBytes: number;
  origIpBytes: number;
  respIpBytes: number;
  /** Every pure SYN (no ACK) from the originator: the first and its retransmissions. */
  syns: PacketRef[];
  /** Seconds between successive SYNs: the retransmission schedule (DOMAIN.md section 8). */
  synGaps: number[];
  /** Every SYN-ACK from the responder. */
  synAcks: PacketRef[];
  /** SYN-ACK time minus the time of the last SYN before it; null without a SYN-ACK after a SYN. */
  handshakeRtt: number | null;
  /** Originator's ACK completing the handshake. */
  handshakeAck: PacketRef | null;
  /** First payload byte from each side. */
  firstOrigData: PacketRef | null;
  firstRespData: PacketRef | null;
  /** Seconds from the first originator payload to the first responder payload (null if either is missing). */
  responseDelay: number | null;
  /** First FIN or RST from each side. */
  origClose: TcpClose | null;
  respClose: TcpClose | null;
  /** Who ended it first (the earlier of origClose and respClose). */
  closedBy: TcpClose | null;
  /** All RSTs, either side. */
  resets: Array<PacketRef & { dir: Direction }>;
  /** Segments whose payload repeats sequence space already seen (history `t`/`T`). */
  retransmissions: number;
  /** Zero-window advertisements (history `w`/`W`). */
  zeroWindows: number;
  /** Distinct IPv4 TTL / IPv6 hop limit values seen per side, in order of first appearance. */
  origTtls: number[];
  respTtls: number[];
  /**
   * Per-packet evidence, in capture order: the first and the last segments when there were more
   * than AnalyzeOptions.maxSegmentsPerConn (see segmentsTruncated, segmentsDropped). Records from
   * the analyzer build this array afresh on each read: read it once into a local when looping.
   */
  segments: TcpSegmentRef[];
  segmentsTruncated: boolean;
  /** Segments left out between the kept first and last ones (absent means 0). */
  segmentsDropped?: number;
  /** TLS seen on this connection (any port), or null. */
  tls: TlsInfo | null;
  /** Indexes (FlowSummary.icmp) of ICMP errors quoting this connection. */
  icmpErrors: number[];
  /** SYN options of the first SYN (MSS, window scale...), when seen. */
  synMss: number | null;
  synWindowScale: number | null;
  /** Ethernet source and destination of the first SYN (Ethernet captures): the next hop it was sent to. */
  synMacs: { src: string; dst: string } | null;
}

/** A UDP, ICMP (non-error) or other-protocol flow with Zeek's conn.log state (S0, SF, SHR, OTH). */
export interface DatagramConnection {
  uid: string;
  capture: number;
  id: ConnId;
  connState: ConnState;
  history: string;
  start: number;
  duration: number;
  origPkts: number;
  respPkts: number;
  origBytes: number;
  respBytes: number;
  first: PacketRef;
  last: PacketRef;
  origTtls: number[];
  respTtls: number[];
  icmpErrors: number[];
}

export interface DnsAnswer {
  section: "answer" | "authority" | "additional";
  name: string;
  type: number;
  typeName: string;
  ttl: number;
  /** Address for A/AAAA, target name for CNAME/NS/PTR, text otherwise. */
  data: string;
}

export interface DnsTransaction {
  capture: number;
  /** uid of the UDP/TCP flow carrying it. */
  flowUid: string | null;
  proto: "udp" | "tcp";
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
  /** DNS message id (RFC 1035 section 4.1.1). */
  id: number;
  query: string | null;
  /** The question was cut short (a capture's snap length): `query` holds its first whole labels. */
  queryCut?: boolean;
  qtype: number | null;
  qtypeName: string | null;
  /** Every copy of the query (retries with the same id on the same 5-tuple). */
  queries: PacketRef[];
  response: PacketRef | null;
  /** Null when no response was seen. */
  rcode: number | null;
  rcodeName: string | null;
  /** Zeek's `rejected`: a response whose answer, authority and additional sections are all empty, whatever the rcode (DNS.cc dns_rejected). */
  rejected: boolean;
  answers: DnsAnswer[];
  /** Response time minus first query time. */
  rtt: number | null;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  /** Decode problems in the query or response (the transaction is kept). */
  malformed: boolean;
  /** The response's header counts more answer records than its captured bytes held (a snap length). */
  answersCut?: boolean;
}

export type { IcmpKind, IcmpQuote } from "../decode/icmp.js";
import type { IcmpKind, IcmpQuote } from "../decode/icmp.js";

export interface IcmpError {
  /** Index in FlowSummary.icmp. */
  index: number;
  ref: PacketRef;
  v6: boolean;
  type: number;
  code: number;
  kind: IcmpKind;
  /** Who sent the ICMP error (a router on the path, or the destination itself). */
  sender: string;
  receiver: string;
  ttl: number;
  quote: IcmpQuote | null;
  /** The flow the quoted packet belongs to (tcp or datagram uid), if seen in the captures. */
  flowUid: string | null;
}

export interface ArpUnanswered {
  capture: number;
  targetIp: string;
  senderIp: string;
  senderMac: string;
  requests: PacketRef[];
}

export interface TlsAlert extends PacketRef {
  dir: Direction;
  /** 1 warning, 2 fatal (RFC 8446 section 6). Null when the alert record is encrypted. */
  level: number | null;
  description: number | null;
  /** e.g. "handshake_failure", "unknown_ca"; null when encrypted. */
  descriptionName: string | null;
}

export interface TlsHandshakeMessage extends PacketRef {
  dir: Direction;
  type: number;
  /** e.g. "client_hello", "server_hello", "certificate". */
  typeName: string;
}

export interface TlsInfo {
  uid: string;
  /** Record-layer version of the first record (e.g. 0x0303), the ServerHello's version when seen. */
  version: number | null;
  serverName: string | null;
  alerts: TlsAlert[];
  handshake: TlsHandshakeMessage[];
  /** Last alert description name, as Zeek's ssl.log last_alert. */
  lastAlert: string | null;
  /** ChangeCipherSpec / application data seen from both sides after a ServerHello. */
  established: boolean;
  /**
   * The client's first application data (larger than an encrypted alert): TLS 1.2's first
   * application-data record; in TLS 1.3 (the server's flight was encrypted before the client's)
   * the record after the client's Finished, which is itself an application-data record.
   */
  clientDataAt: number | null;
  /**
   * The server's first application data after the client's: the handshake finished and data went
   * both ways. Alerts after this close the session; they are no handshake failure.
   */
  exchangedAt: number | null;
}

export type ProblemKind =
  | "truncated-file"
  | "bad-block"
  | "bad-record"
  | "unknown-linktype"
  | "truncated-packet"
  | "bad-checksum"
  | "malformed-dns"
  | "malformed-tls"
  | "malformed-icmp"
  /** Second copies of packets, read once (flows/copy-filter.ts): a note, not damage. */
  | "copies"
  | "unsupported";

/** Something wrong in the input that did not stop the analysis. */
export interface Problem {
  kind: ProblemKind;
  capture: number;
  /** Byte offset in the capture file, when known. */
  offset: number | null;
  /** Packet number, when the problem is inside one packet. */
  packet: number | null;
  message: string;
}

export type { CaptureInfo } from "../pcap/types.js";
import type { CaptureInfo } from "../pcap/types.js";

export interface FlowSummary {
  captures: CaptureInfo[];
  /** Packets read over all captures. */
  packets: number;
  tcp: TcpConnection[];
  datagrams: DatagramConnection[];
  dns: DnsTransaction[];
  icmp: IcmpError[];
  arp: ArpUnanswered[];
  tls: TlsInfo[];
  problems: Problem[];
}

export interface AnalyzeOptions {
  /** Like `zeek -C`: do not drop TCP/UDP packets with bad checksums. Default false (Zeek's default). */
  ignoreChecksums?: boolean;
  /** Per-connection cap on kept TcpSegmentRef entries: half from the start, half from the end. Default 2000. */
  maxSegmentsPerConn?: number;
  /** Cap on problems kept (the count of dropped ones is reported as one more problem). Default 1000. */
  maxProblems?: number;
  /**
   * Zeek's tcp_attempt_delay (5 s): an unanswered connection attempt is closed that long after its
   * first SYN, so later SYN retransmissions start new records. Default null: keep every SYN of one
   * attempt in one record (syns/synGaps show the whole retransmission schedule). The peer-trace
   * test sets 5 to match Zeek.
   */
  attemptTimeout?: number | null;
  /**
   * Like `zeek -b` (bare mode) with no TCP protocol script loaded: no TCP port is in
   * likely_server_ports, so no TCP connection is flipped by its ports (UDP analyzers that a test
   * loads, such as DHCP's, still register theirs). Default false: the default-mode port list.
   */
  bare?: boolean;
  /**
   * The TCP sink reads each record only during its call and keeps nothing of it (it copies what
   * it needs): the records then share one evidence array, which the next record overwrites. Default
   * false: every record handed over has its own.
   */
  sinkBorrows?: boolean;
}

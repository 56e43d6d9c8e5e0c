/** Public surface of the packet decoders. */
export {
  decodePacket,
  newDecodedPacket,
  IPPROTO,
  CK_OK,
  CK_BAD,
  CK_UNKNOWN,
  type DecodedPacket,
} from "./packet.js";
export { decodeLink, ETHERTYPE, type LinkResult } from "./link.js";
export { parseTcpOptions, type TcpOptions } from "./tcp-options.js";
export { decodeIcmpQuote, icmpKind, type IcmpQuote, type IcmpKind } from "./icmp.js";
export { decodeArp, type ArpMessage } from "./arp.js";
export {
  decodeDns,
  dnsTypeName,
  DNS_RCODES,
  DNS_TYPES,
  type DnsMessage,
  type DnsRecord,
  type DnsQuestion,
  type DnsProblem,
} from "./dns.js";
export {
  scanTlsRecords,
  looksLikeTlsRecord,
  clientHelloServerName,
  tlsAlertName,
  tlsHandshakeName,
  TLS_ALERTS,
  TLS_CONTENT,
  type TlsRecordView,
  type TlsCursor,
} from "./tls.js";
export { ipv4String, ipv6String, macString } from "./address.js";

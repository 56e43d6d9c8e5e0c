/**
 * Reading a cause out of failure wording: the reason of the stand-in's `Cannot resolve host`
 * line, an errno (Linux errno names; node's dns error codes), or an object's last error text.
 * Connect errnos follow net/ipv4/tcp_ipv4.c and icmp.c (DOMAIN.md section 8): ICMP code 0 and 9
 * give ENETUNREACH, 1, 10, 13 EHOSTUNREACH, 3 and RST ECONNREFUSED.
 */
import type { Cause } from "../taxonomy.js";

export function dnsCauseFromReason(reason: string): Cause | undefined {
  if (
    /no (name |dns )?servers? (configured|to ask|defined)|not[_ -]?configured|none configured|no name-server/i.test(
      reason,
    )
  )
    return "dns.not-configured";
  if (/nxdomain|ENOTFOUND|does not exist|no such (host|name|domain)|non-?existent/i.test(reason))
    return "dns.nxdomain";
  if (/servfail|server fail/i.test(reason)) return "dns.servfail";
  if (/refused/i.test(reason)) return "dns.refused";
  if (/nodata|ENODATA|no address|no (A|AAAA) record|no records/i.test(reason)) return "dns.no-address";
  if (
    /time[d ]?\s?out|ETIMEOUT|no[_ ](server[_ ])?(answer|response|reply)|did not answer|unreachable|EAI_AGAIN/i.test(
      reason,
    )
  )
    return "dns.no-response";
  return undefined;
}

export function connectCauseFromErrno(text: string): Cause | undefined {
  if (/ECONNREFUSED/.test(text)) return "tcp.refused";
  if (/EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/.test(text)) return "net.host-unreachable";
  if (/ETIMEDOUT|timed out/i.test(text)) return "tcp.silent-drop";
  if (/ECONNRESET/.test(text)) return "backend.reset";
  if (/EPIPE/.test(text)) return "backend.closed";
  if (/ENOTFOUND|EAI_NONAME/.test(text)) return "dns.nxdomain";
  if (/EAI_AGAIN/.test(text)) return "dns.no-response";
  if (/CERT|SSL|TLS|alert/i.test(text)) return "tls.handshake-failure";
  return undefined;
}

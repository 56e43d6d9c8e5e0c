/**
 * The TLS reason the gateway's log names (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, an alert name, an
 * SSL library error), and the next steps that reason calls for, instead of a generic checklist.
 * Reason codes are OpenSSL's X509_V_ERR_* names and TLS alert names (RFC 8446 section 6.2).
 */
import type { LogFact } from "./log-evidence.js";

const TLS_EVENTS = new Set(["tlsVerifyFailed", "tlsHandshakeFailed", "tlsAlert", "sslLibraryError"]);

/** The first reason a TLS event of the log gives, verification failures first. */
export function tlsReasonFromLog(log: readonly LogFact[]): string | undefined {
  const tls = log.filter((f) => TLS_EVENTS.has(f.event));
  const pick = tls.find((f) => f.event === "tlsVerifyFailed") ?? tls[0];
  return pick?.params.reason ?? pick?.params.alert ?? pick?.params.detail;
}

const TRUST =
  /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|unknown[_ ]ca|CERT_UNTRUSTED/i;
const EXPIRY = /CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|certificate[_ ]expired/i;
const NAME = /HOSTNAME_MISMATCH|ALTNAME|host ?name|IP_ADDRESS_MISMATCH/i;
const CLIENT_CERT = /client certificate|certificate[_ ]required|PEER_DID_NOT_RETURN_A_CERTIFICATE/i;
const VERSION =
  /protocol[_ ]version|unsupported[_ ]protocol|no shared cipher|handshake[_ ]failure|insufficient[_ ]security/i;

/** `from`: what gave the reason, the gateway's log or (without a log) the capture's alert. */
export function tlsReasonSteps(
  reason: string | undefined,
  dest: string,
  from = "the gateway's log",
): string[] {
  const named = reason ? `${from[0].toUpperCase()}${from.slice(1)} names the reason: ${reason}. ` : "";
  const check = `From a host on the gateway's side, \`openssl s_client -connect ${dest} -showcerts\` shows what the backend sends.`;
  if (reason && CLIENT_CERT.test(reason))
    return [
      `${named}The backend requires a client certificate: give the gateway's SSL client profile identification credentials (key and certificate) signed by a CA the backend trusts, or drop the requirement on the backend.`,
      `\`openssl s_client -connect ${dest} -cert CERT -key KEY\` shows whether the backend accepts a given certificate.`,
    ];
  if (reason && TRUST.test(reason))
    return [
      `${named}The backend's certificate is not signed by a CA the gateway trusts: add the issuing CA (and any intermediate) to the validation credentials of the gateway's SSL client profile, or have the backend send its full chain.`,
      check,
    ];
  if (reason && EXPIRY.test(reason))
    return [
      `${named}Renew the backend's certificate, and check both clocks (a certificate not yet valid means one of them is wrong).`,
      check,
    ];
  if (reason && NAME.test(reason))
    return [
      `${named}The certificate does not name the host the gateway connects to: add the name to its subject alternative names, or point the backend URL at a name it carries.`,
      check,
    ];
  if (reason && VERSION.test(reason))
    return [
      `${named}Gateway and backend share no protocol version or cipher: compare the SSL client profile's protocols and ciphers with what the backend allows.`,
      `\`openssl s_client -connect ${dest} -tls1_2\` (and -tls1_3) tells which versions the backend accepts.`,
    ];
  return [
    `${named}Check the backend's certificate chain, expiry and host name against the gateway's validation credentials.`,
    `Check the TLS versions and ciphers both sides allow (openssl s_client -connect ${dest}).`,
  ];
}

/** What the reason means, in one clause; the generic list of suspects when it is not one we know. */
export function tlsReasonMeaning(reason: string | undefined): string {
  if (reason && CLIENT_CERT.test(reason))
    return "the backend requires a client certificate the gateway did not present, or does not accept the one it did";
  if (reason && TRUST.test(reason))
    return "the gateway does not trust the CA that signed the backend's certificate";
  if (reason && EXPIRY.test(reason)) return "the backend's certificate is expired or not yet valid";
  if (reason && NAME.test(reason))
    return "the backend's certificate does not name the host the gateway connected to";
  if (reason && VERSION.test(reason)) return "gateway and backend share no protocol version or cipher";
  return "certificate trust, expiry, host name or protocol version do not match between gateway and backend";
}

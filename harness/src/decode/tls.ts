/**
 * TLS record layer (RFC 8446 section 5.1, RFC 5246 section 6.2) on any TCP port. Records are
 * followed across segments of one direction in arrival order (no reassembly beyond skipping a
 * record's remaining bytes); handshake headers and alerts are read when they sit whole in one
 * segment, which is how every stack sends the short messages that matter for diagnosis.
 */

export const TLS_CONTENT = {
  CHANGE_CIPHER_SPEC: 20,
  ALERT: 21,
  HANDSHAKE: 22,
  APPLICATION_DATA: 23,
  HEARTBEAT: 24,
} as const;

export const TLS_HANDSHAKE_TYPES: Record<number, string> = {
  0: "hello_request",
  1: "client_hello",
  2: "server_hello",
  4: "new_session_ticket",
  5: "end_of_early_data",
  8: "encrypted_extensions",
  11: "certificate",
  12: "server_key_exchange",
  13: "certificate_request",
  14: "server_hello_done",
  15: "certificate_verify",
  16: "client_key_exchange",
  20: "finished",
  22: "certificate_status",
  24: "key_update",
  254: "message_hash",
};

/** RFC 8446 section 6 and RFC 5246 section 7.2 alert descriptions, with Zeek's names. */
export const TLS_ALERTS: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  21: "decryption_failed",
  22: "record_overflow",
  30: "decompression_failure",
  40: "handshake_failure",
  41: "no_certificate",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  60: "export_restriction",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  111: "certificate_unobtainable",
  112: "unrecognized_name",
  113: "bad_certificate_status_response",
  114: "bad_certificate_hash_value",
  115: "unknown_psk_identity",
  116: "certificate_required",
  120: "no_application_protocol",
};

export function tlsAlertName(d: number): string {
  return TLS_ALERTS[d] ?? `unknown-${d}`;
}

export function tlsHandshakeName(t: number): string {
  return TLS_HANDSHAKE_TYPES[t] ?? `unknown-${t}`;
}

/** A TLS record header at `o`: content type 20-24, major version 3, minor <= 4, length <= 2^14 + 2048 (RFC 8446 section 5.2). */
export function looksLikeTlsRecord(b: Uint8Array, o: number, avail: number): boolean {
  if (avail < 5) return false;
  const t = b[o];
  if (t < 20 || t > 24 || b[o + 1] !== 3 || b[o + 2] > 4) return false;
  const len = (b[o + 3] << 8) | b[o + 4];
  return len > 0 && len <= 18432;
}

export interface TlsRecordView {
  contentType: number;
  version: number;
  length: number;
  /** Offset of the record body in the segment buffer. */
  bodyOff: number;
  /** Bytes of the body present in this segment. */
  bodyAvail: number;
  /** Offset of the record within the segment payload. */
  offsetInSegment: number;
}

/** Per-direction cursor: bytes of a record still to come in later segments. */
export interface TlsCursor {
  skip: number;
  /** Framing lost (non-TLS bytes where a record header should be, or a header beyond the snap length). */
  lost: boolean;
  /** Lost because the capture cut a segment before a record header (its snap length). */
  cut?: boolean;
}

/**
 * Walk the records starting in one segment's payload `b[o, o+len)`, of which the segment carried
 * `wire` bytes (more when the capture's snap length cut it): records are followed by their wire
 * lengths, their bodies read only as far as captured. Calls `onRecord` for each. Returns a problem
 * message when framing is lost (the cursor then stops); a header beyond the captured bytes stops it
 * too, silently, since the capture says it was cut.
 */
export function scanTlsRecords(
  b: Uint8Array,
  o: number,
  len: number,
  cur: TlsCursor,
  onRecord: (r: TlsRecordView) => void,
  wire = len,
): string | null {
  if (cur.lost) return null;
  let p = o;
  const end = o + len;
  const wireEnd = o + Math.max(wire, len);
  if (cur.skip > 0) {
    const s = Math.min(cur.skip, wireEnd - o);
    cur.skip -= s;
    p += s;
  }
  // Bounded: each record advances p by at least 5 bytes.
  while (p < wireEnd) {
    if (end - p < 5 && wireEnd > end) {
      cur.lost = cur.cut = true;
      return null;
    }
    if (end - p < 5) {
      // A header split across segments is rare; give up on this direction rather than guess.
      cur.lost = true;
      return `TLS record header split across segments at payload offset ${p - o}`;
    }
    if (!looksLikeTlsRecord(b, p, end - p)) {
      cur.lost = true;
      return `bytes at payload offset ${p - o} are not a TLS record header`;
    }
    const length = (b[p + 3] << 8) | b[p + 4];
    const onWire = Math.min(length, wireEnd - p - 5);
    onRecord({
      contentType: b[p],
      version: (b[p + 1] << 8) | b[p + 2],
      length,
      bodyOff: p + 5,
      bodyAvail: Math.min(onWire, end - p - 5),
      offsetInSegment: p - o,
    });
    if (onWire < length) cur.skip = length - onWire;
    p += 5 + onWire;
  }
  return null;
}

/** Server name from a ClientHello body (RFC 6066 section 3), or null. Bounded by the body. */
export function clientHelloServerName(b: Uint8Array, o: number, len: number): string | null {
  const end = o + len;
  let p = o + 2 + 32; // version, random
  if (p >= end) return null;
  p += 1 + b[p]; // session id
  if (p + 2 > end) return null;
  p += 2 + ((b[p] << 8) | b[p + 1]); // cipher suites
  if (p >= end) return null;
  p += 1 + b[p]; // compression methods
  if (p + 2 > end) return null;
  const extEnd = Math.min(end, p + 2 + ((b[p] << 8) | b[p + 1]));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = (b[p] << 8) | b[p + 1];
    const elen = (b[p + 2] << 8) | b[p + 3];
    if (type === 0 && p + 4 + elen <= extEnd && elen >= 5) {
      const nlen = (b[p + 7] << 8) | b[p + 8];
      if (b[p + 6] === 0 && p + 9 + nlen <= extEnd) {
        let s = "";
        for (let i = p + 9; i < p + 9 + nlen; i++) s += String.fromCharCode(b[i]);
        return s;
      }
    }
    p += 4 + elen;
  }
  return null;
}

/**
 * Internet checksum (RFC 1071) over the transport pseudo-header (RFC 9293 section 3.1, RFC 768,
 * RFC 8200 section 8.1). Zeek verifies TCP, UDP and ICMP checksums and ignores failing packets
 * unless run with -C (packet_analysis/protocol/ip/IPBasedAnalyzer, `ignore_checksums`).
 */

/** One's-complement sum of 16-bit words from `start` to `end`, added to `acc` (RFC 1071). */
export function sum16(b: Uint8Array, start: number, end: number, acc: number): number {
  let i = start;
  // Bounded by end; fold every 64 KiB worth of adds so acc stays an exact small integer.
  for (; i + 1 < end; i += 2) acc += (b[i] << 8) | b[i + 1];
  if (i < end) acc += b[i] << 8;
  return acc;
}

/** Carries folded back in: the 16-bit one's-complement sum. */
export function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 65536);
  return acc;
}

/**
 * True when the transport checksum over `b[l4Off, l4Off+l4Len)` verifies. `v6` selects the pseudo-header;
 * `srcOff`/`dstOff` locate the addresses in `b`.
 */
export function transportChecksumOk(
  b: Uint8Array,
  v6: boolean,
  srcOff: number,
  dstOff: number,
  proto: number,
  l4Off: number,
  l4Len: number,
): boolean {
  let acc = 0;
  const alen = v6 ? 16 : 4;
  acc = sum16(b, srcOff, srcOff + alen, acc);
  acc = sum16(b, dstOff, dstOff + alen, acc);
  acc += proto + (l4Len & 0xffff) + (l4Len >>> 16);
  acc = sum16(b, l4Off, l4Off + l4Len, acc);
  return fold(acc) === 0xffff;
}

/** Plain RFC 1071 check (ICMPv4, IPv4 header). */
export function checksumOk(b: Uint8Array, start: number, len: number): boolean {
  return fold(sum16(b, start, start + len, 0)) === 0xffff;
}

/** TCP options (RFC 9293 section 3.2; MSS RFC 6691, window scale and timestamps RFC 7323, SACK RFC 2018). */

export interface TcpOptions {
  mss: number | null;
  windowScale: number | null;
  sackPermitted: boolean;
  sackBlocks: number;
  tsVal: number | null;
  tsEcr: number | null;
  /** The option list ran past the header or the captured bytes, or had a zero length. */
  malformed: boolean;
}

/** Parse options between `start` and `end` (the TCP header's data offset). Never throws. */
export function parseTcpOptions(d: Uint8Array, start: number, end: number): TcpOptions {
  const r: TcpOptions = {
    mss: null,
    windowScale: null,
    sackPermitted: false,
    sackBlocks: 0,
    tsVal: null,
    tsEcr: null,
    malformed: false,
  };
  let o = start;
  if (end > d.length) {
    // Options past the captured bytes cannot be read; what is captured still can.
    end = d.length;
    r.malformed = true;
  }
  // Bounded: every step advances at least one byte.
  while (o < end) {
    const kind = d[o];
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) {
      r.malformed = true;
      break;
    }
    const len = d[o + 1];
    if (len < 2 || o + len > end) {
      r.malformed = true;
      break;
    }
    if (kind === 2 && len === 4) r.mss = (d[o + 2] << 8) | d[o + 3];
    else if (kind === 3 && len === 3) r.windowScale = d[o + 2];
    else if (kind === 4) r.sackPermitted = true;
    else if (kind === 5) r.sackBlocks = Math.floor((len - 2) / 8);
    else if (kind === 8 && len === 10) {
      r.tsVal = ((d[o + 2] << 24) | (d[o + 3] << 16) | (d[o + 4] << 8) | d[o + 5]) >>> 0;
      r.tsEcr = ((d[o + 6] << 24) | (d[o + 7] << 16) | (d[o + 8] << 8) | d[o + 9]) >>> 0;
    }
    o += len;
  }
  return r;
}

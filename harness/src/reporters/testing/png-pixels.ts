/**
 * Test helper: decodes an 8-bit, non-interlaced PNG (what Chromium's --screenshot writes) to
 * RGBA pixels (RFC 2083: chunks, zlib-compressed scanlines, five filter types), so a test can
 * check what a page looked like, not only that a file was written.
 */
import { inflateSync } from "node:zlib";

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, row by row. */
  rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(png: Buffer): Pixels {
  let o = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (o + 8 <= png.length) {
    const len = png.readUInt32BE(o);
    const type = png.toString("latin1", o + 4, o + 8);
    const body = png.subarray(o + 8, o + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error("only 8-bit non-interlaced PNGs");
      channels = CHANNELS[body[9]] ?? 0;
      if (!channels) throw new Error(`PNG colour type ${body[9]} not handled`);
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const cur = new Uint8Array(stride);
  const prev = new Uint8Array(stride);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter] ?? 0;
      cur[i] = (line[i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const s = x * channels;
      const d = (y * width + x) * 4;
      const grey = channels < 3;
      rgba[d] = cur[s];
      rgba[d + 1] = grey ? cur[s] : cur[s + 1];
      rgba[d + 2] = grey ? cur[s] : cur[s + 2];
      rgba[d + 3] = channels === 4 ? cur[s + 3] : channels === 2 ? cur[s + 1] : 255;
    }
    prev.set(cur);
  }
  return { width, height, rgba };
}

/** Pixels within `tolerance` of a colour (`#rrggbb`) on each channel. */
export function countColour(p: Pixels, hex: string, tolerance = 24): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < p.rgba.length; i += 4)
    if (
      Math.abs(p.rgba[i] - r) <= tolerance &&
      Math.abs(p.rgba[i + 1] - g) <= tolerance &&
      Math.abs(p.rgba[i + 2] - b) <= tolerance
    )
      n++;
  return n;
}

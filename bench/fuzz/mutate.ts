/**
 * Deterministic input generation for the fuzzer: a seeded PRNG (mulberry32), byte mutations of a
 * seed file, and the size classes of issue "hostile and huge inputs" (hundreds of thousands of log
 * lines, 60,000-long runs of one character, gzip bombs, 20,000-connection captures). The same
 * (target, run seed, input number) always gives the same bytes, so a parent can rebuild the input
 * a killed child was working on.
 */
export type Rng = () => number;

export function rng(seed: number): Rng {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rng, n: number) => Math.floor(r() * n);
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x20, 0x3a, 0x5b, 0x5d, 0x3c, 0x3e, 0x2d];
/** Characters whose long runs broke the parsers (colons, brackets, separators) and a few more. */
const RUN_CHARS = ":[]<>()/.-= \n\r\t\"'&#x0A";

function flip(r: Rng, b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let k = 1 + int(r, 8); k > 0 && out.length; k--) out[int(r, out.length)] ^= 1 << int(r, 8);
  return out;
}

function setBytes(r: Rng, b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let k = 1 + int(r, 8); k > 0 && out.length; k--)
    out[int(r, out.length)] = INTERESTING[int(r, INTERESTING.length)];
  return out;
}

function cut(r: Rng, b: Buffer): Buffer {
  return b.subarray(0, int(r, b.length + 1));
}

function remove(r: Rng, b: Buffer): Buffer {
  const at = int(r, b.length + 1);
  const n = int(r, Math.min(4096, b.length - at) + 1);
  return Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
}

function duplicate(r: Rng, b: Buffer): Buffer {
  const at = int(r, b.length + 1);
  const n = int(r, Math.min(4096, b.length - at) + 1);
  const piece = b.subarray(at, at + n);
  const times = 1 + int(r, 64);
  return Buffer.concat([
    b.subarray(0, at + n),
    ...Array.from({ length: times }, () => piece),
    b.subarray(at + n),
  ]);
}

/** A long run of one character spliced in: the shape that made regexes backtrack. */
function run(r: Rng, b: Buffer): Buffer {
  const at = int(r, b.length + 1);
  const c = RUN_CHARS[int(r, RUN_CHARS.length)];
  const n = [1000, 10_000, 60_000][int(r, 3)];
  return Buffer.concat([b.subarray(0, at), Buffer.alloc(n, c), b.subarray(at)]);
}

/** Bytes of another seed spliced in (a log line in a report, a header in a capture). */
function splice(r: Rng, b: Buffer, other: Buffer): Buffer {
  const at = int(r, b.length + 1);
  const from = int(r, other.length + 1);
  return Buffer.concat([b.subarray(0, at), other.subarray(from, from + 1 + int(r, 2048)), b.subarray(at)]);
}

export function mutate(r: Rng, seed: Buffer, others: Buffer[]): Buffer {
  let b = seed;
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const op = int(r, 7);
    if (op === 0) b = flip(r, b);
    else if (op === 1) b = setBytes(r, b);
    else if (op === 2) b = cut(r, b);
    else if (op === 3) b = remove(r, b);
    else if (op === 4) b = duplicate(r, b);
    else if (op === 5) b = run(r, b);
    else b = splice(r, b, others[int(r, others.length)] ?? b);
  }
  return b;
}

export function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[int(r, xs.length)];
}

/** Address text as Zeek and tshark print it: dotted quad, and RFC 5952 compressed IPv6. */

/**
 * Memo of IPv4 address text by address: every packet needs two, a capture has few distinct ones,
 * and one string per address (instead of per packet) is both less garbage and one shared copy in
 * every record that keeps it. A pure function's cache, bounded: cleared when it reaches the cap.
 */
const V4_NAMES = new Map<number, string>();
const V4_NAMES_MAX = 1 << 16;

export function ipv4String(b: Uint8Array, o: number): string {
  const k = b[o] * 0x100_0000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
  let s = V4_NAMES.get(k);
  if (s === undefined) {
    if (V4_NAMES.size >= V4_NAMES_MAX) V4_NAMES.clear();
    s = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
    V4_NAMES.set(k, s);
  }
  return s;
}

/** RFC 5952 section 4: lower case, no leading zeros, the longest run (>= 2 groups) of zero groups as `::`, leftmost on ties. */
export function ipv6String(b: Uint8Array, o: number): string {
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (b[o + i * 2] << 8) | b[o + i * 2 + 1];
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(":");
  const head = g
    .slice(0, bestStart)
    .map((x) => x.toString(16))
    .join(":");
  const tail = g
    .slice(bestStart + bestLen)
    .map((x) => x.toString(16))
    .join(":");
  return `${head}::${tail}`;
}

export function macString(b: Uint8Array, o: number): string {
  let s = "";
  for (let i = 0; i < 6; i++) s += (i ? ":" : "") + b[o + i].toString(16).padStart(2, "0");
  return s;
}

/** Multicast or limited/directed-looking broadcast: such a destination never answers as a peer. */
export function isMulticastOrBroadcast(addr: string): boolean {
  if (addr.includes(":")) return addr.toLowerCase().startsWith("ff");
  if (addr === "255.255.255.255" || addr.endsWith(".255")) return true;
  const first = Number(addr.slice(0, addr.indexOf(".")));
  return first >= 224 && first <= 239;
}

/**
 * The open TCP flows, found by capture and 5-tuple in either direction: for IPv4 in a flat hash
 * table of 32-bit words, with no key built per packet; other addresses by a text key.
 */

export interface FlowSlot {
  /** Where the flow is filed (set by the table): lower and higher IPv4 address, both ports. */
  capture: number;
  lo: number;
  hi: number;
  ports: number;
  /** The text key instead, for other addresses. */
  text: string | null;
  /** Position in the table's dense list (set by the table). */
  at: number;
}

/** IPv4 address text to its number, or -1 (only for ICMP quotes, which carry text). */
export function ipv4Number(a: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= a.length; i++) {
    const c = i < a.length ? a.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else if (c === 46 && digits > 0 && part <= 255) {
      n = n * 256 + part;
      part = digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 4 ? n : -1;
}

/** Slots per table at start; it doubles when half full, so probes stay short. */
const INITIAL_SLOTS = 1024;

/**
 * Open addressing with linear probing over one Int32Array of keys (4 words a slot: lower and
 * higher address, both ports, capture + 1; 0 in the last word is an empty slot) and one array of
 * entries. No key object, string or boxed number is made per packet. Deletion shifts the probe
 * run back (no tombstones), so a table that churns through millions of flows keeps its size.
 */
export class TcpFlowTable<T extends FlowSlot> {
  private keys = new Int32Array(INITIAL_SLOTS * 4);
  private vals: (T | undefined)[] = new Array<T | undefined>(INITIAL_SLOTS).fill(undefined);
  private mask = INITIAL_SLOTS - 1;
  private v4 = 0;
  private readonly other = new Map<string, T>();
  /** Every open flow, packed, so a sweep visits the flows and not the empty slots. */
  private dense: T[] = [];

  get size(): number {
    return this.dense.length;
  }

  /** Lists `e`, in the place of `old` when it replaces a flow filed under the same key. */
  private enlist(e: T, old: T | undefined): void {
    if (old) {
      this.dense[old.at] = e;
      e.at = old.at;
      return;
    }
    e.at = this.dense.length;
    this.dense.push(e);
  }

  private unlist(e: T): void {
    const last = this.dense.pop()!;
    if (last !== e) {
      this.dense[e.at] = last;
      last.at = e.at;
    }
  }

  private static textKey(capture: number, a: string, ap: number, b: string, bp: number): string {
    return a < b || (a === b && ap < bp)
      ? `${capture}|${a}|${ap}|${b}|${bp}`
      : `${capture}|${b}|${bp}|${a}|${ap}`;
  }

  private static hash(lo: number, hi: number, ports: number, cap: number): number {
    let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ hi ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ ports ^ (h >>> 16), 0x27d4eb2f);
    return (h ^ cap ^ (h >>> 15)) >>> 0;
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private find(lo: number, hi: number, ports: number, cap: number): number {
    const k = this.keys;
    let i = TcpFlowTable.hash(lo, hi, ports, cap) & this.mask;
    for (;;) {
      const o = i * 4;
      const c = k[o + 3];
      if (c === 0 || (c === cap && k[o] === lo && k[o + 1] === hi && k[o + 2] === ports)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** `a4`/`b4` are the IPv4 addresses as numbers, or -1 for any other address. */
  get(capture: number, a: string, a4: number, ap: number, b: string, b4: number, bp: number): T | undefined {
    if (a4 < 0 || b4 < 0) return this.other.get(TcpFlowTable.textKey(capture, a, ap, b, bp));
    const aFirst = a4 < b4 || (a4 === b4 && ap < bp);
    const lo = aFirst ? a4 | 0 : b4 | 0;
    const hi = aFirst ? b4 | 0 : a4 | 0;
    const ports = aFirst ? (ap << 16) | bp : (bp << 16) | ap;
    return this.vals[this.find(lo, hi, ports, capture + 1)];
  }

  set(capture: number, a: string, a4: number, ap: number, b: string, b4: number, bp: number, e: T): void {
    e.capture = capture;
    if (a4 < 0 || b4 < 0) {
      e.text = TcpFlowTable.textKey(capture, a, ap, b, bp);
      this.enlist(e, this.other.get(e.text));
      this.other.set(e.text, e);
      return;
    }
    this.enlist(e, this.get(capture, a, a4, ap, b, b4, bp));
    const aFirst = a4 < b4 || (a4 === b4 && ap < bp);
    e.lo = aFirst ? a4 | 0 : b4 | 0;
    e.hi = aFirst ? b4 | 0 : a4 | 0;
    e.ports = aFirst ? (ap << 16) | bp : (bp << 16) | ap;
    this.put(e);
  }

  private put(e: T): void {
    if ((this.v4 + 1) * 2 > this.vals.length) this.grow();
    const i = this.find(e.lo, e.hi, e.ports, e.capture + 1);
    if (this.vals[i] === undefined) this.v4++;
    const o = i * 4;
    this.keys[o] = e.lo;
    this.keys[o + 1] = e.hi;
    this.keys[o + 2] = e.ports;
    this.keys[o + 3] = e.capture + 1;
    this.vals[i] = e;
  }

  private grow(): void {
    const old = this.vals;
    this.keys = new Int32Array(old.length * 8);
    this.vals = new Array<T | undefined>(old.length * 2).fill(undefined);
    this.mask = old.length * 2 - 1;
    this.v4 = 0;
    for (const e of old) if (e !== undefined) this.put(e);
  }

  delete(e: T): void {
    if (e.text !== null) {
      if (this.other.get(e.text) === e) {
        this.other.delete(e.text);
        this.unlist(e);
      }
      return;
    }
    let i = this.find(e.lo, e.hi, e.ports, e.capture + 1);
    if (this.vals[i] !== e) return;
    this.unlist(e);
    const k = this.keys;
    // Backward-shift deletion: move later members of the probe run into the hole.
    for (let j = (i + 1) & this.mask; k[j * 4 + 3] !== 0; j = (j + 1) & this.mask) {
      const home = TcpFlowTable.hash(k[j * 4], k[j * 4 + 1], k[j * 4 + 2], k[j * 4 + 3]) & this.mask;
      // j's home is cyclically outside (i, j]: it may move back to i.
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        k.copyWithin(i * 4, j * 4, j * 4 + 4);
        this.vals[i] = this.vals[j];
        i = j;
      }
    }
    k.fill(0, i * 4, i * 4 + 4);
    this.vals[i] = undefined;
    this.v4--;
  }

  /** The open flows that `pred` picks, listed first so the caller may end and delete them. */
  pick(pred: (e: T) => boolean): T[] {
    const out: T[] = [];
    for (const e of this.dense) if (pred(e)) out.push(e);
    return out;
  }

  clear(): void {
    this.keys = new Int32Array(INITIAL_SLOTS * 4);
    this.vals = new Array<T | undefined>(INITIAL_SLOTS).fill(undefined);
    this.mask = INITIAL_SLOTS - 1;
    this.v4 = 0;
    this.other.clear();
    this.dense = [];
  }
}

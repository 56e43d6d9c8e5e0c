/**
 * The open TCP flows, found by capture and 5-tuple in either direction. An IPv4 endpoint is one
 * number (address * 65536 + port, exact in a double), so a packet's lookup builds no key string:
 * capture, then the lower endpoint, then the higher one. Other addresses use a text key.
 */
const PORTS = 65536;

export interface FlowSlot {
  /** Where the flow is filed (set by the table). */
  capture: number;
  lo: number;
  hi: number;
  text: string | null;
}

/** IPv4 address text to its number, or -1 (only for ICMP quotes, which carry text). */
export function ipv4Number(a: string): number {
  const p = a.split(".");
  if (p.length !== 4) return -1;
  let n = 0;
  for (const x of p) {
    const v = Number(x);
    if (!/^\d{1,3}$/.test(x) || v > 255) return -1;
    n = n * 256 + v;
  }
  return n;
}

export class TcpFlowTable<T extends FlowSlot> {
  private readonly v4: Map<number, Map<number, T>>[] = [];
  private readonly other = new Map<string, T>();
  size = 0;

  private static textKey(capture: number, a: string, ap: number, b: string, bp: number): string {
    return a < b || (a === b && ap < bp)
      ? `${capture}|${a}|${ap}|${b}|${bp}`
      : `${capture}|${b}|${bp}|${a}|${ap}`;
  }

  /** `a4`/`b4` are the IPv4 addresses as numbers, or -1 for any other address. */
  get(capture: number, a: string, a4: number, ap: number, b: string, b4: number, bp: number): T | undefined {
    if (a4 < 0 || b4 < 0) return this.other.get(TcpFlowTable.textKey(capture, a, ap, b, bp));
    const x = a4 * PORTS + ap;
    const y = b4 * PORTS + bp;
    return this.v4[capture]?.get(x < y ? x : y)?.get(x < y ? y : x);
  }

  set(capture: number, a: string, a4: number, ap: number, b: string, b4: number, bp: number, e: T): void {
    this.size++;
    e.capture = capture;
    if (a4 < 0 || b4 < 0) {
      e.text = TcpFlowTable.textKey(capture, a, ap, b, bp);
      this.other.set(e.text, e);
      return;
    }
    const x = a4 * PORTS + ap;
    const y = b4 * PORTS + bp;
    e.lo = x < y ? x : y;
    e.hi = x < y ? y : x;
    const byLo = (this.v4[capture] ??= new Map());
    let byHi = byLo.get(e.lo);
    if (!byHi) byLo.set(e.lo, (byHi = new Map()));
    byHi.set(e.hi, e);
  }

  delete(e: T): void {
    if (e.text !== null) {
      if (this.other.delete(e.text)) this.size--;
      return;
    }
    const byLo = this.v4[e.capture];
    const byHi = byLo?.get(e.lo);
    if (byHi?.delete(e.hi)) {
      this.size--;
      if (byHi.size === 0) byLo!.delete(e.lo);
    }
  }

  /** Every open flow; deleting the one just yielded is allowed. */
  *values(): Generator<T> {
    for (const byLo of this.v4) if (byLo) for (const byHi of byLo.values()) yield* byHi.values();
    yield* this.other.values();
  }

  clear(): void {
    this.v4.length = 0;
    this.other.clear();
    this.size = 0;
  }
}

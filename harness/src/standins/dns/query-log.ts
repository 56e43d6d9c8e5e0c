/** One received query and what the stand-in did with it (`GET /queries`, stdout). */
export interface QueryRecord {
  seq: number;
  ts: string;
  transport: "udp" | "tcp";
  client: string;
  id: number;
  name: string;
  type: string;
  mode: string;
  /** Undefined when the stand-in stayed silent. */
  rcode?: number;
  tc?: boolean;
  answers?: string[];
  delayMs?: number;
}

/** A bounded ring of recent queries: a long soak must not grow memory without end. */
export class QueryLog {
  readonly #items: QueryRecord[] = [];
  #seq = 0;
  constructor(readonly capacity: number) {}

  add(r: Omit<QueryRecord, "seq">): QueryRecord {
    const rec = { seq: ++this.#seq, ...r };
    this.#items.push(rec);
    if (this.#items.length > this.capacity) this.#items.shift();
    return rec;
  }

  since(seq = 0): QueryRecord[] {
    return this.#items.filter((r) => r.seq > seq);
  }

  clear(): void {
    this.#items.length = 0;
  }
}

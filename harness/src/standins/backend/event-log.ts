/** Backend connection and request events, kept for `GET /events` and written to stdout. */
export interface BackendEvent {
  seq: number;
  ts: string;
  event: string;
  [k: string]: unknown;
}

/** A bounded ring: a long run must not grow memory without end. */
export class EventLog {
  readonly #items: BackendEvent[] = [];
  #seq = 0;
  constructor(
    readonly capacity: number,
    private readonly sink: (e: BackendEvent) => void = () => {},
  ) {}

  add(event: string, fields: Record<string, unknown> = {}): BackendEvent {
    const e = { seq: ++this.#seq, ts: new Date().toISOString(), event, ...fields };
    this.#items.push(e);
    if (this.#items.length > this.capacity) this.#items.shift();
    this.sink(e);
    return e;
  }

  since(seq = 0): BackendEvent[] {
    return this.#items.filter((e) => e.seq > seq);
  }
}

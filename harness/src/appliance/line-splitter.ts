/**
 * Lines out of text that arrives in chunks, in bounded memory: a line longer than `maxLine` is
 * handed on cut to its first `maxLine` characters, with its full length, so one enormous line (a
 * gzip bomb of zeros, a log with no newline) never has to be held whole.
 */
export type LineSink = (line: string, length: number) => void;

export class LineSplitter {
  #carry = "";
  /** Length of the line in progress, including what was dropped beyond `maxLine`. */
  #carryLength = 0;

  constructor(
    private readonly maxLine: number,
    private readonly sink: LineSink,
  ) {}

  /** Feed the next chunk; complete lines go to the sink (without `\n` or `\r\n`). */
  write(chunk: string): void {
    let start = 0;
    // Bounded: each pass moves past one newline of the chunk.
    for (;;) {
      const nl = chunk.indexOf("\n", start);
      if (nl < 0) break;
      this.#finish(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.#keep(chunk, start, chunk.length);
  }

  /** The last line, when the text does not end with a newline. */
  end(): void {
    if (this.#carryLength > 0) this.#emit(this.#carry, this.#carryLength);
    this.#carry = "";
    this.#carryLength = 0;
  }

  #keep(chunk: string, from: number, to: number): void {
    const room = this.maxLine - this.#carry.length;
    if (room > 0) this.#carry += chunk.slice(from, Math.min(to, from + room));
    this.#carryLength += to - from;
  }

  #finish(chunk: string, from: number, to: number): void {
    if (this.#carryLength === 0 && to - from <= this.maxLine) {
      this.#emit(chunk.slice(from, to), to - from);
      return;
    }
    this.#keep(chunk, from, to);
    this.#emit(this.#carry, this.#carryLength);
    this.#carry = "";
    this.#carryLength = 0;
  }

  #emit(line: string, length: number): void {
    // A cut line's last kept character is not its end, so only a whole line loses its `\r`.
    if (length === line.length && line.endsWith("\r")) this.sink(line.slice(0, -1), length - 1);
    else this.sink(line, length);
  }
}

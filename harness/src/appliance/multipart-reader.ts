/**
 * Reading the error report's MIME multipart container (DOMAIN.md §3) line by line, in bounded
 * memory: each part's decoded bytes go to a sink the caller picks from the part's headers, so a
 * part is never held whole unless its sink keeps it. Parts are base64 unless told otherwise; the
 * boundary comes from the header or, when that is missing, from the first `--...dp<digits>` line.
 * Damage (no boundary, bad base64, no closing delimiter) becomes a problem, never a throw.
 */
import { LineSplitter } from "./line-splitter.js";

export interface PartSink {
  write(bytes: Buffer): void;
  end(): void;
}

export interface PartHead {
  headers: Record<string, string>;
  /** Content-ID without the angle brackets, e.g. `NetworkInfo@datapower.ibm.com`. */
  id: string;
  contentType: string;
}

/** Base64 lines of a report are 76 characters; header lines a few hundred. */
const MAX_LINE = 64 * 1024;
const MAX_HEAD = 64 * 1024;
const MAX_PREAMBLE = 4096;
const BASE64_BATCH = 64 * 1024;
const ANY_DELIMITER = /^--(-*dp\d+)[ \t]*$/;

const BOUNDARY = /boundary="?([^";\s]+)"?/i;
const ANGLES = /^<|>$/g;
const SPACES = /\s+/g;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_BASE64_ALL = /[^A-Za-z0-9+/=]/g;
const NOT_BLANK = /[^ \t]/;

/** Every pattern this reader runs, for the linear-time check (patterns-linear.test.ts). */
export const MULTIPART_PATTERNS: Record<string, RegExp> = {
  ANY_DELIMITER,
  BOUNDARY,
  ANGLES,
  SPACES,
  NOT_BASE64,
  NOT_BASE64_ALL,
  NOT_BLANK,
};

type State = "head" | "preamble" | "part-head" | "body" | "done";

export class MultipartReader {
  headers: Record<string, string> = {};
  preamble = "";
  readonly problems: string[] = [];
  parts = 0;
  #state: State = "head";
  #boundary?: string;
  #head: string[] = [];
  #headSize = 0;
  #sink?: PartSink;
  #base64 = false;
  #b64 = "";
  #badBase64 = false;
  #firstBodyLine = true;
  #partName = "";
  #cutLines = 0;
  readonly #lines = new LineSplitter(MAX_LINE, (l, n) => this.#line(l, n));

  constructor(private readonly open: (head: PartHead) => PartSink) {}

  write(text: string): void {
    if (this.#state !== "done") this.#lines.write(text);
  }

  /** True once the closing delimiter was read (the rest is epilogue). */
  get closed(): boolean {
    return this.#state === "done";
  }

  end(): void {
    this.#lines.end();
    if (this.#state === "head") this.#endHead();
    if (this.#state === "part-head") this.#openPart();
    if (this.#state === "body") this.#closePart();
    if (this.#cutLines > 0)
      this.problems.push(`${this.#cutLines} line(s) longer than ${MAX_LINE} characters were cut`);
    if (this.#boundary === undefined) this.problems.push("no multipart boundary found");
    else if (this.#state !== "done")
      this.problems.push("multipart message has no closing delimiter (truncated?)");
  }

  /** "open", "close" or undefined: is this line a delimiter of the boundary? */
  #delimiter(line: string): "open" | "close" | undefined {
    if (this.#boundary === undefined) {
      const m = ANY_DELIMITER.exec(line);
      if (!m) return undefined;
      this.problems.push("multipart boundary missing from the header; taken from the first delimiter line");
      this.#boundary = m[1];
    }
    const delim = `--${this.#boundary}`;
    if (!line.startsWith(delim)) return undefined;
    let rest = line.slice(delim.length);
    const close = rest.startsWith("--");
    if (close) rest = rest.slice(2);
    if (NOT_BLANK.test(rest)) return undefined;
    return close ? "close" : "open";
  }

  #line(line: string, length: number): void {
    if (length > line.length) this.#cutLines++;
    switch (this.#state) {
      case "head":
        if (line === "") return this.#endHead();
        if (ANY_DELIMITER.test(line)) {
          // No blank line after the header (a report cut at its start): the header ends here.
          this.#endHead();
          return this.#line(line, length);
        }
        return this.#headLine(line);
      case "preamble": {
        const d = this.#delimiter(line);
        if (d === "open") return this.#startPart();
        if (d === "close") return void (this.#state = "done");
        if (this.preamble.length < MAX_PREAMBLE)
          this.preamble += (this.preamble ? "\n" : "") + line.slice(0, MAX_PREAMBLE);
        return;
      }
      case "part-head": {
        const d = this.#delimiter(line);
        if (d) {
          this.#openPart();
          this.#closePart();
          return d === "open" ? this.#startPart() : void (this.#state = "done");
        }
        if (line === "") return this.#openPart();
        return this.#headLine(line);
      }
      case "body": {
        const d = this.#delimiter(line);
        if (d) {
          this.#closePart();
          return d === "open" ? this.#startPart() : void (this.#state = "done");
        }
        return this.#bodyLine(line);
      }
      case "done":
        return;
    }
  }

  #headLine(line: string): void {
    if (this.#headSize + line.length > MAX_HEAD) return;
    this.#headSize += line.length;
    this.#head.push(line);
  }

  #takeHead(): Record<string, string> {
    const h = parseHeaders(this.#head);
    this.#head = [];
    this.#headSize = 0;
    return h;
  }

  #endHead(): void {
    this.headers = this.#takeHead();
    this.#state = "preamble";
    const b = BOUNDARY.exec(this.headers["content-type"] ?? "")?.[1];
    if (b !== undefined) this.#boundary = b;
  }

  #startPart(): void {
    this.#state = "part-head";
    this.preamble = this.preamble.trim();
  }

  #openPart(): void {
    const headers = this.#takeHead();
    const id = (headers["content-id"] ?? "").replace(ANGLES, "");
    const contentType = (headers["content-type"] ?? "text/plain").split(";")[0].trim();
    this.parts++;
    this.#partName = id || String(this.parts);
    this.#base64 = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase() === "base64";
    this.#b64 = "";
    this.#badBase64 = false;
    this.#firstBodyLine = true;
    this.#sink = this.open({ headers, id, contentType });
    this.#state = "body";
  }

  #bodyLine(line: string): void {
    const sink = this.#sink!;
    if (!this.#base64) {
      // Lines are joined with `\n`; the newline before the next delimiter belongs to it.
      sink.write(Buffer.from(this.#firstBodyLine ? line : "\n" + line, "utf8"));
      this.#firstBodyLine = false;
      return;
    }
    let clean = line.replace(SPACES, "");
    if (NOT_BASE64.test(clean)) {
      if (!this.#badBase64) this.problems.push(`part ${this.#partName}: invalid base64 characters ignored`);
      this.#badBase64 = true;
      clean = clean.replace(NOT_BASE64_ALL, "");
    }
    this.#b64 += clean;
    // Decoded in batches: one Buffer per 76-character line would be a million for a big log.
    if (this.#b64.length >= BASE64_BATCH) {
      const whole = this.#b64.length - (this.#b64.length % 4);
      sink.write(Buffer.from(this.#b64.slice(0, whole), "base64"));
      this.#b64 = this.#b64.slice(whole);
    }
  }

  #closePart(): void {
    const sink = this.#sink!;
    if (this.#b64.length > 0) sink.write(Buffer.from(this.#b64, "base64"));
    this.#b64 = "";
    sink.end();
    this.#sink = undefined;
    this.#state = "part-head";
  }
}

function parseHeaders(lines: string[]): Record<string, string> {
  const h: Record<string, string> = {};
  let last: string | undefined;
  for (const line of lines) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) h[last] += " " + line.trim();
    else {
      const i = line.indexOf(":");
      if (i > 0) {
        last = line.slice(0, i).trim().toLowerCase();
        h[last] = line.slice(i + 1).trim();
      }
    }
  }
  return h;
}

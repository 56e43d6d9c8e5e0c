import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Spool } from "./spool.js";

class Sink extends Writable {
  parts: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.parts.push(chunk);
    done();
  }
}

const spoolFiles = () => readdirSync(tmpdir()).filter((f) => f.startsWith("backside-spool-"));

describe("Spool", () => {
  it("gives back what was added, in order, across pieces and multi-byte characters", async () => {
    const before = spoolFiles().length;
    const s = new Spool();
    // Nothing of it is on disk by name, whatever happens to the process.
    expect(spoolFiles().length).toBe(before);
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(`line ${i} ünïcødé ${"x".repeat(i % 90)}\n`);
    for (const l of lines) s.add(l);
    expect(s.count).toBe(50_000);
    const out = new Sink();
    await s.copyTo(out);
    expect(Buffer.concat(out.parts).toString("utf8")).toBe(lines.join(""));
  });

  it("no usable temporary folder is one ENVIRONMENT error naming it (exit 4)", () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = "/nonexistent-backside-tmp";
    try {
      expect(() => new Spool()).toThrow(
        expect.objectContaining({
          code: "ENVIRONMENT",
          message: expect.stringMatching(
            /^cannot use a temporary file in \/nonexistent-backside-tmp: ENOENT/,
          ),
        }),
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it("an empty spool writes nothing", async () => {
    const out = new Sink();
    await new Spool().copyTo(out);
    expect(out.parts).toEqual([]);
  });
});

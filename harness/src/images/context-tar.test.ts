import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { contextTar } from "./context-tar.js";

describe("contextTar", () => {
  it("holds exactly the listed files, from memory and from disk, with their modes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "backside-ctx-"));
    try {
      const big = Buffer.alloc(300_000, 7); // more than one stream chunk
      writeFileSync(join(dir, "prog"), big);
      const tar = contextTar([
        { path: "Dockerfile", content: Buffer.from("FROM x\n") },
        { path: "build/prog.mjs", file: join(dir, "prog"), mode: 0o755 },
      ]);
      const seen: { name: string; mode?: number; bytes: number }[] = [];
      const ex = extract();
      ex.on("entry", (h, stream, next) => {
        let bytes = 0;
        stream.on("data", (d: unknown) => {
          bytes += (d as Buffer).length;
        });
        stream.on("end", () => {
          seen.push({ name: h.name, mode: h.mode, bytes });
          next();
        });
      });
      await new Promise<void>((resolve, reject) => {
        ex.on("finish", resolve).on("error", reject);
        tar.pipe(ex);
      });
      expect(seen).toEqual([
        { name: "Dockerfile", mode: 0o644, bytes: 7 },
        { name: "build/prog.mjs", mode: 0o755, bytes: big.length },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

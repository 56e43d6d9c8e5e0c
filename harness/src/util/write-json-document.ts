/**
 * Writes `JSON.stringify(doc, null, 2) + "\n"` to a stream, byte for byte, without ever holding
 * that string: each top-level list is written one element at a time, with backpressure. A
 * capture of millions of packets has a flows document larger than the longest string V8 makes.
 */
import type { Writable } from "node:stream";
import { pieceWriter } from "./write-lines.js";

export async function writeJsonDocument(doc: Record<string, unknown>, out: Writable): Promise<void> {
  const w = pieceWriter(out);
  const put = w.put;
  const indent = (s: string, pad: string) => s.split("\n").join(`\n${pad}`);
  const keys = Object.keys(doc).filter((k) => doc[k] !== undefined);
  if (keys.length === 0) return put("{}\n").then(w.end);
  await put("{\n");
  for (const [i, k] of keys.entries()) {
    const v = doc[k];
    await put(`  ${JSON.stringify(k)}: `);
    if (Array.isArray(v) && v.length > 0) {
      await put("[\n");
      for (const [j, x] of v.entries())
        await put(
          `    ${indent(JSON.stringify(x ?? null, null, 2), "    ")}${j < v.length - 1 ? "," : ""}\n`,
        );
      await put("  ]");
    } else await put(indent(JSON.stringify(v, null, 2), "  "));
    await put(i < keys.length - 1 ? ",\n" : "\n");
  }
  await put("}\n");
  await w.end();
}

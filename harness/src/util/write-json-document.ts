/**
 * Writes `JSON.stringify(doc, null, 2) + "\n"` to a stream, byte for byte, without ever holding
 * that string: each top-level list is written one element at a time, with backpressure. A
 * capture of millions of packets has a flows document larger than the longest string V8 makes.
 */
import type { Writable } from "node:stream";
import { pieceWriter, type PieceWriter } from "./write-lines.js";

const indent = (s: string, pad: string) => s.split("\n").join(`\n${pad}`);

/**
 * One element of a top-level list, as `JSON.stringify(doc, null, 2)` indents it (no comma, no
 * newline): the element written two lists deep is already indented so, and only the lists' own
 * first and last lines ("[\n  [\n", "\n  ]\n]") are cut off. A split and join of every line
 * after it took as long as the stringify (a million connections' records: 4.7 s).
 */
export function jsonListItem(x: unknown): string {
  return JSON.stringify([[x ?? null]], null, 2).slice(6, -6);
}

/**
 * A document's members from `key` on, as they follow earlier ones (`first`: none did), up to its
 * closing brace: for a writer that wrote the first members itself.
 */
export async function writeJsonMembers(
  w: PieceWriter,
  doc: Record<string, unknown>,
  first: boolean,
): Promise<void> {
  const keys = Object.keys(doc).filter((k) => doc[k] !== undefined);
  for (const [i, k] of keys.entries()) {
    const v = doc[k];
    await w.put(`${i === 0 && first ? "" : ",\n"}  ${JSON.stringify(k)}: `);
    if (Array.isArray(v) && v.length > 0) {
      await w.put("[\n");
      for (const [j, x] of v.entries()) await w.put(`${jsonListItem(x)}${j < v.length - 1 ? "," : ""}\n`);
      await w.put("  ]");
    } else await w.put(indent(JSON.stringify(v, null, 2), "  "));
  }
  await w.put("\n}\n");
}

export async function writeJsonDocument(doc: Record<string, unknown>, out: Writable): Promise<void> {
  const w = pieceWriter(out);
  if (Object.keys(doc).every((k) => doc[k] === undefined)) await w.put("{}\n");
  else {
    await w.put("{\n");
    await writeJsonMembers(w, doc, true);
  }
  await w.end();
}

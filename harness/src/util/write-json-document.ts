/**
 * Writes `JSON.stringify(doc, null, 2) + "\n"` to a stream, byte for byte, without ever holding
 * that string: each top-level list is written one element at a time, with backpressure. A
 * capture of millions of packets has a flows document larger than the longest string V8 makes.
 */
import type { Writable } from "node:stream";

/** Flush once this much is pending (a few MiB: few writes, bounded memory). */
const CHUNK = 4 << 20;

export async function writeJsonDocument(doc: Record<string, unknown>, out: Writable): Promise<void> {
  let pending = "";
  const put = async (s: string) => {
    pending += s;
    if (pending.length < CHUNK) return;
    const text = pending;
    pending = "";
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", r));
  };
  const indent = (s: string, pad: string) => s.split("\n").join(`\n${pad}`);
  const keys = Object.keys(doc).filter((k) => doc[k] !== undefined);
  if (keys.length === 0) return put("{}\n").then(() => void out.write(pending));
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
  if (pending && !out.write(pending)) await new Promise<void>((r) => out.once("drain", r));
}

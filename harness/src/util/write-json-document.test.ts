import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeJsonDocument } from "./write-json-document.js";

async function written(doc: Record<string, unknown>): Promise<string> {
  let text = "";
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  await writeJsonDocument(doc, out);
  return text;
}

describe("writeJsonDocument", () => {
  it("writes what JSON.stringify(doc, null, 2) writes, byte for byte", async () => {
    const docs: Record<string, unknown>[] = [
      {},
      {
        schema: "x",
        n: 1,
        empty: [],
        list: [1, "a", null, { b: [1, 2], c: { d: "e\nf" } }],
        last: { k: [] },
      },
      {
        gone: undefined,
        tcp: [
          { uid: "T1", segments: [{ n: 1 }, { n: 2 }] },
          { uid: "T2", tls: null },
        ],
        problems: [],
      },
      { nested: [[1, 2], [], [[3]]], s: 'quote " and \\ and \u2028' },
    ];
    for (const d of docs) expect(await written(d)).toBe(JSON.stringify(d, null, 2) + "\n");
  });

  it("streams a list far longer than one chunk", async () => {
    const tcp = Array.from({ length: 60_000 }, (_, i) => ({
      uid: `T${i}`,
      history: "ShADadFf",
      start: i / 7,
    }));
    const doc = { schema: "backside.flows.v1", packets: 1, tcp, dns: [] };
    expect(await written(doc)).toBe(JSON.stringify(doc, null, 2) + "\n");
  });
});

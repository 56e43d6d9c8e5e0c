/**
 * Does a learner's folder give the answer away? Every file is searched, by name and content,
 * for every needle (labels, scenario names, harness markers), case-insensitively. Text hidden
 * from a plain search is opened first: gzip is inflated and the error report's base64 MIME parts
 * are decoded, since a part may quote the running config or the log.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { MultipartReader } from "../appliance/multipart-reader.js";

export interface Leak {
  /** Relative to the searched folder. */
  file: string;
  needle: string;
  /** Where it was seen: the file's name, its bytes, or a decoded MIME part. */
  where: string;
}

/** Markers the harness puts in nft comments, labels and container names. */
export const HARNESS_MARKERS = ["backside:", "backside.scenario", "backside_faults", "backside.run"];

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function views(path: string): { where: string; text: string }[] {
  let bytes = readFileSync(path);
  let where = "content";
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: 512 * 1024 * 1024 });
      where = "gunzipped";
    } catch {
      // A damaged gzip is still searched as raw bytes.
    }
  }
  const text = bytes.toString("latin1");
  const out = [{ where, text }];
  if (/Content-Transfer-Encoding:\s*base64/i.test(text)) out.push(...decodedParts(text));
  return out;
}

/** Every part of a MIME report, decoded (the error report's parts are base64). */
function decodedParts(text: string): { where: string; text: string }[] {
  const parts: { where: string; chunks: Buffer[] }[] = [];
  const reader = new MultipartReader((head) => {
    const p = { where: `part ${head.id || "(no id)"}`, chunks: [] as Buffer[] };
    parts.push(p);
    return { write: (b) => p.chunks.push(b), end: () => undefined };
  });
  reader.write(text);
  reader.end();
  return parts.map((p) => ({ where: p.where, text: Buffer.concat(p.chunks).toString("latin1") }));
}

export function findLeaks(dir: string, needles: readonly string[]): Leak[] {
  const wanted = [...new Set(needles.filter((n) => n.length > 0).map((n) => n.toLowerCase()))];
  const leaks: Leak[] = [];
  for (const path of listFiles(dir)) {
    const file = relative(dir, path);
    const name = file.toLowerCase();
    for (const n of wanted) if (name.includes(n)) leaks.push({ file, needle: n, where: "file name" });
    if (statSync(path).size === 0) continue;
    for (const v of views(path)) {
      const lower = v.text.toLowerCase();
      for (const n of wanted) if (lower.includes(n)) leaks.push({ file, needle: n, where: v.where });
    }
  }
  return leaks;
}

/**
 * The fuzzer's output contract: errors are BacksideErrors with a known code; outputs hold no NaN,
 * no undefined, no time that is neither ISO nor null, and no empty statement.
 */
import { ErrorCodes, isBacksideError } from "../../harness/src/errors.js";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const MAX_NODES = 5_000_000;
const MAX_REPORTED = 5;

export function checkError(e: unknown): string[] {
  if (isBacksideError(e) && e.code in ErrorCodes) return [];
  const what = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e);
  return [`threw ${what}, not a BacksideError`];
}

/** Problems in an output value, at most a few (with their paths). */
export function checkOutput(value: unknown): string[] {
  const out: string[] = [];
  let nodes = 0;
  const bad = (msg: string) => {
    if (out.length < MAX_REPORTED) out.push(msg);
  };
  const stack: [unknown, string][] = [[value, "$"]];
  // Bounded: every node is visited once, at most MAX_NODES of them.
  while (stack.length && nodes++ < MAX_NODES) {
    const [raw, path] = stack.pop()!;
    // Records that serialise through toJSON (flow records) are checked as the JSON shows them.
    const v =
      raw !== null && typeof raw === "object" && typeof (raw as { toJSON?: unknown }).toJSON === "function"
        ? (raw as { toJSON: () => unknown }).toJSON()
        : raw;
    if (typeof v === "number") {
      if (Number.isNaN(v)) bad(`NaN at ${path}`);
      continue;
    }
    if (v === undefined) {
      bad(`undefined at ${path}`);
      continue;
    }
    if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) continue;
    if (v instanceof Map || v instanceof Set) continue;
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
    for (const [k, x] of entries) {
      const at = `${path}.${k}`;
      if (k === "times" && Array.isArray(x))
        for (const t of x)
          if (t !== null && !(typeof t === "string" && ISO.test(t)))
            bad(`non-ISO time ${JSON.stringify(t)} at ${at}`);
      if (k === "statement" && (typeof x !== "string" || x.trim() === "")) bad(`empty statement at ${at}`);
      stack.push([x, at]);
    }
  }
  return out;
}

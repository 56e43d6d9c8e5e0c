/** Case folder names: `case-01` … `case-NN`; people may type `1`, `01` or `case-1`. */
import { BacksideError } from "../errors.js";

export function caseName(index: number, total: number): string {
  return `case-${String(index + 1).padStart(Math.max(2, String(total).length), "0")}`;
}

export function normaliseCase(input: string, known: readonly string[]): string {
  if (known.includes(input)) return input;
  const m = /^(?:case-?)?0*(\d+)$/i.exec(input.trim());
  const n = m ? Number(m[1]) : NaN;
  const hit = known.find((k) => Number(/(\d+)$/.exec(k)?.[1]) === n);
  if (hit) return hit;
  throw new BacksideError("USAGE", `no case '${input}'`, {
    hint: known.length ? `cases: ${known.join(", ")}` : "no cases found: is this a lab folder?",
  });
}

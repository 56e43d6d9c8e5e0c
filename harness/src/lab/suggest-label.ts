/** "did you mean": the labels closest to what was typed (edit distance, or one inside the other). */
import { CAUSES, isCause, type Cause } from "../taxonomy.js";
import { BacksideError } from "../errors.js";

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export function suggestLabels(typed: string, max = 3): Cause[] {
  const t = typed.trim().toLowerCase();
  const scored = CAUSES.map((c) => {
    const tail = c.split(".").pop()!;
    const d = Math.min(editDistance(t, c), editDistance(t, tail) + 1);
    const inside = t.length >= 3 && (c.includes(t) || t.includes(tail));
    return { c, d: inside ? Math.min(d, 1) : d };
  });
  const limit = Math.max(2, Math.floor(t.length / 3));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((s) => s.c);
}

export function didYouMean(typed: string): string {
  const s = suggestLabels(typed);
  return s.length ? `did you mean ${s.join(", ")}?` : "`backside lab labels` lists them";
}

/** A label as typed, checked; an unknown one is a usage error with the closest labels. */
export function checkLabel(typed: string): Cause {
  const t = typed.trim().toLowerCase();
  if (isCause(t)) return t;
  throw new BacksideError("USAGE", `unknown label '${typed}'`, { hint: didYouMean(typed) });
}

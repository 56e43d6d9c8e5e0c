/**
 * A YAML error as `LINE:COL: not valid YAML: what`, in our words where the parser's need the
 * source to make sense (a duplicated key is named, with the line it first appeared on).
 */
import { isMap, isScalar, visit, type Document, type YAMLError } from "yaml";

function lineOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** The key at `offset` and the line of its first occurrence in the same mapping. */
function duplicateKey(doc: Document, text: string, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const dup = map.items.find((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (!dup || !isScalar(dup.key)) return;
      const name = String(dup.key.value);
      const first = map.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
      const at = isScalar(first?.key) && first.key.range ? lineOf(text, first.key.range[0]).line : undefined;
      found = `key '${name}' appears twice in one mapping${at ? ` (first on line ${at})` : ""}`;
      return visit.BREAK;
    },
  });
  return found;
}

export function describeYamlError(doc: Document, text: string, e: YAMLError): string {
  const { line, col } = lineOf(text, e.pos[0]);
  const what =
    (e.code === "DUPLICATE_KEY" && duplicateKey(doc, text, e.pos[0])) ||
    e.message.split(/ at line \d+, column \d+/)[0].split("\n")[0];
  return `${line}:${col}: not valid YAML: ${what}`;
}

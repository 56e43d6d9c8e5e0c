import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const here = (f: string) => readFileSync(join(import.meta.dirname, f), "utf8");

function block(lang: string, after: string): string {
  const from = readme.indexOf(after);
  expect(from, `README has "${after}"`).toBeGreaterThan(-1);
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(readme.slice(from));
  expect(m, `a ${lang} block after "${after}"`).not.toBeNull();
  return m![1];
}

// The README's vitest example is what CI runs (readme-example.int.test.ts), word for word.
describe("README's library example", () => {
  it("is the int test, importing from the package instead of the sources", () => {
    expect(block("ts", "`gateway.test.ts`:")).toBe(
      here("readme-example.int.test.ts").replace('from "../index.js"', 'from "backside"'),
    );
  });
  it("shows the scenario file the int test runs", () => {
    expect(block("yaml", "`closed-port.yaml`:")).toBe(here("closed-port.yaml"));
  });
});

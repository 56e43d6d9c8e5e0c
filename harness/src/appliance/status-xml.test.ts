import { describe, expect, it } from "vitest";
import { parseRows, renderRows } from "./status-xml.js";

const timed = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
};

describe("status XML rows", () => {
  it("reads back what renderRows writes, attributes, empty and escaped fields included", () => {
    const xml = renderRows("Row", [{ Name: "a&b", Empty: "", N: "1" }]).replace("<N>", '<N kind="x">');
    const problems: string[] = [];
    expect(parseRows("Row", xml, problems)).toEqual([{ Name: "a&b", Empty: "", N: "1" }]);
    expect(problems).toEqual([]);
  });
  it("skips and counts an unterminated last row", () => {
    const problems: string[] = [];
    expect(parseRows("Row", "<Row><a>1</a></Row><Row><a>2</a>", problems)).toEqual([{ a: "1" }]);
    expect(problems).toEqual(["1 unterminated <Row> row(s) skipped"]);
  });
  // Each was 7-23 s with the lazy row regex (rescanning the rest of the text from every opener).
  it("60,000 unterminated rows take linear time, not seconds", () => {
    const problems: string[] = [];
    const [rows, ms] = timed(() => parseRows("Row", "<Row>".repeat(60_000), problems));
    expect(rows).toEqual([]);
    expect(problems).toEqual(["60000 unterminated <Row> row(s) skipped"]);
    expect(ms).toBeLessThan(1000);
  });
  it("60,000 unclosed field openers with attributes take linear time", () => {
    const [rows, ms] = timed(() => parseRows("Row", "<Row>" + "<a ".repeat(60_000) + "</Row>", []));
    expect(rows).toEqual([{}]);
    expect(ms).toBeLessThan(1000);
  });
  it("60,000 row openers with no closing bracket take linear time", () => {
    const [, ms] = timed(() => parseRows("Row", "<Row ".repeat(60_000), []));
    expect(ms).toBeLessThan(1000);
  });
});

import { describe, expect, it } from "vitest";
import { renderJUnit } from "./junit-reporter.js";
import { HOSTILE, result, summary } from "./testing/synthetic-run.js";

/** A small well-formedness check: tags balance, attributes quoted, no raw < or & in text. */
function parseXml(xml: string): {
  name: string;
  attrs: Record<string, string>;
  children: any[];
  text: string;
} {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: any = { name: "#root", attrs: {}, children: [], text: "" };
  const stack = [root];
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body))) {
    if (m.index !== consumed)
      throw new Error(`unparsed text at ${consumed}: ${body.slice(consumed, consumed + 40)}`);
    consumed = re.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(m[5])) throw new Error(`raw & in text: ${m[5]}`);
      stack.at(-1).text += m[5];
      continue;
    }
    if (m[1]) {
      const top = stack.pop();
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]] = a[2];
    }
    const el = { name: m[2], attrs, children: [], text: "" };
    stack.at(-1).children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (consumed !== body.length) throw new Error("trailing garbage");
  if (stack.length !== 1) throw new Error("unclosed element");
  return root.children[0];
}

describe("junit reporter", () => {
  const rs = [
    result("healthy", "healthy", "healthy"),
    result("dns-nxdomain", "dns.nxdomain", "dns.servfail", { evidence: [{ text: HOSTILE }] }),
    result("tcp-refused", "tcp.refused", null, {
      error: { code: "RUNTIME", message: "container <gateway> died" },
    }),
  ];
  const xml = renderJUnit(summary(rs, "/r"), "host");
  const doc = parseXml(xml);

  it("follows testsuites > testsuite > testcase with the attributes the schema requires", () => {
    expect(doc.name).toBe("testsuites");
    const suite = doc.children[0];
    expect(suite.name).toBe("testsuite");
    for (const a of ["name", "tests", "failures", "errors", "time", "timestamp", "hostname", "id", "package"])
      expect(suite.attrs).toHaveProperty(a);
    expect(suite.attrs.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(suite.attrs).toMatchObject({ tests: "3", failures: "1", errors: "1" });
    const cases = suite.children.filter((c: any) => c.name === "testcase");
    expect(cases).toHaveLength(3);
    for (const c of cases) {
      for (const a of ["name", "classname", "time"]) expect(c.attrs).toHaveProperty(a);
      expect(c.attrs.time).toMatch(/^\d+\.\d{3}$/);
    }
    expect(suite.children.map((c: any) => c.name)).toEqual([
      "properties",
      "testcase",
      "testcase",
      "testcase",
      "system-out",
      "system-err",
    ]);
  });

  it("says expected vs diagnosed with the evidence in a failure, and a harness error as <error>", () => {
    const [, mismatch, errored] = doc.children[0].children.filter((c: any) => c.name === "testcase");
    const failure = mismatch.children.find((c: any) => c.name === "failure");
    expect(failure.attrs.message).toBe("expected dns.nxdomain, diagnosed dns.servfail");
    expect(failure.text).toContain("&lt;script&gt;");
    expect(failure.text).not.toContain("\u0001");
    expect(errored.children[0].name).toBe("error");
    expect(errored.children[0].attrs.type).toBe("RUNTIME");
    expect(errored.children[0].attrs.message).toContain("container &lt;gateway&gt; died");
  });

  it("passes xmllint when it is installed", async () => {
    const { spawnSync } = await import("node:child_process");
    const probe = spawnSync("xmllint", ["--version"]);
    if (probe.error) return; // not installed here: the structural checks above still ran
    const res = spawnSync("xmllint", ["--noout", "-"], { input: xml });
    expect(res.status, String(res.stderr)).toBe(0);
  });
});

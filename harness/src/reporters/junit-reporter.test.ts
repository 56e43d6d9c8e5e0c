import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
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
  /** Adds what the schema check must also survive: a hostile name, message and partial reasons. */
  const hostile = [
    ...rs,
    result("packet-loss", "net.packet-loss", "net.packet-loss", {
      scenario: `loss ${HOSTILE}`,
      partial: true,
      partialReasons: [`capture cut short: ${HOSTILE}`, "no gateway log"],
    }),
    result("dns-silent", "dns.no-response", null, {
      error: { code: `E${HOSTILE}`, message: `tab\there\nline\r${HOSTILE}` },
      repeat: 2,
      repeats: 3,
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

  it("puts each case's details in the suite's <system-out>, since a testcase may hold nothing else", () => {
    const out = doc.children[0].children.find((c: any) => c.name === "system-out");
    expect(out.text).toContain("== healthy ==\nexpected: healthy\ndiagnosed: healthy (confidence high)");
    expect(out.text).toContain("== dns-nxdomain ==");
    expect(out.text).toContain("&lt;script&gt;");
  });

  /**
   * The schema is Apache Ant's JUnit schema (schema/junit.xsd, whose header names its source): the
   * strictest of the common ones and the one most tools cite. It declares both roots, and our file
   * uses its <testsuites> root, whose testsuite children need package and id; Jenkins'
   * junit-10.xsd accepts everything it does. xmllint is required, not optional: npm run setup
   * installs it (Debian's libxml2-utils), and a missing one fails here rather than skipping.
   */
  describe("validates against the common JUnit XML schema (xmllint)", () => {
    const schema = fileURLToPath(new URL("./schema/junit.xsd", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "backside-junit-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const validate = (text: string) => {
      const file = join(dir, `junit-${n++}.xml`);
      writeFileSync(file, text);
      const res = spawnSync("xmllint", ["--noout", "--schema", schema, file], { encoding: "utf8" });
      if ((res.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
        throw new Error("xmllint is not installed: run `npm run setup` (it installs libxml2-utils)");
      if (res.error) throw res.error;
      return res;
    };

    it("accepts a run with a pass, a failure, an error, a partial result and hostile text", () => {
      const text = renderJUnit(summary(hostile, "/r"), "host");
      const res = validate(text);
      expect(res.status, `${res.stderr}\n${text}`).toBe(0);
      expect(res.stderr).toMatch(/validates/);
    });

    it("accepts an empty run, a run with no hostname, and a timestamp with milliseconds", () => {
      expect(validate(renderJUnit(summary([], "/r"), "host")).status).toBe(0);
      const ms = summary(rs, "/r", { startedAt: "2026-11-25T02:00:00.123Z" });
      expect(validate(renderJUnit(ms, "")).status).toBe(0);
    });

    it("rejects what the schema forbids, so the check has teeth", () => {
      const good = renderJUnit(summary(rs, "/r"), "host");
      const broken = [
        good.replace("<testsuites>", '<testsuites tests="3">'),
        good.replace("    </testcase>", "      <system-out>x</system-out>\n    </testcase>"),
        good.replace(' id="0"', ""),
        good.replace(/<properties>[^]*?<\/properties>/, ""),
        good.replace('type="mismatch"', ""),
        good.replace(/timestamp="[^"]*"/, 'timestamp="2026-11-25T02:00:00Z"'),
      ];
      for (const text of broken) {
        expect(text).not.toBe(good);
        expect(validate(text).status, text).not.toBe(0);
      }
    });
  });
});

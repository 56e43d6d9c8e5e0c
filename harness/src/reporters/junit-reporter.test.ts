import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { JUnitReporter, renderJUnit } from "./junit-reporter.js";
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
    result("net-packet-loss-2", "net.packet-loss", null, {
      repeat: 2,
      repeats: 3,
      interrupted: true,
      partial: true,
      partialReasons: ["interrupted"],
    }),
  ];
  const notRun = [{ id: "net-packet-loss-3", expected: "net.packet-loss" }];
  /** Adds what the schema check must also survive: a hostile name, message and partial reasons. */
  const hostile = [
    ...rs,
    result("packet-loss", "net.packet-loss", "net.packet-loss", {
      id: `loss ${HOSTILE}`,
      partial: true,
      partialReasons: [`capture cut short: ${HOSTILE}`, "no gateway log"],
    }),
    result("dns-silent", "dns.no-response", null, {
      error: { code: `E${HOSTILE}`, message: `tab\there\nline\r${HOSTILE}` },
      repeat: 2,
      repeats: 3,
    }),
  ];
  const input = {
    ...summary(rs, "/r"),
    unfinished: notRun,
    state: "interrupted" as const,
    attachmentRoot: "reports/x",
  };
  const xml = renderJUnit(input, "host");
  const doc = parseXml(xml);
  const cases = () => doc.children[0].children.filter((c: any) => c.name === "testcase");

  it("follows testsuites > testsuite > testcase and counts every planned run", () => {
    expect(doc.name).toBe("testsuites");
    const suite = doc.children[0];
    expect(suite.name).toBe("testsuite");
    for (const a of [
      "name",
      "tests",
      "failures",
      "errors",
      "skipped",
      "time",
      "timestamp",
      "hostname",
      "id",
      "package",
    ])
      expect(suite.attrs).toHaveProperty(a);
    expect(suite.attrs.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    // A mismatch fails, a harness error errs, the interrupted and the never-started runs are skipped.
    expect(suite.attrs).toMatchObject({ tests: "5", failures: "1", errors: "1", skipped: "2" });
    expect(cases()).toHaveLength(5);
    for (const c of cases()) expect(c.attrs.time).toMatch(/^\d+\.\d{3}$/);
    expect(suite.children.map((c: any) => c.name)).toEqual([
      "properties",
      "testcase",
      "testcase",
      "testcase",
      "testcase",
      "testcase",
      "system-out",
    ]);
    const props = suite.children[0].children.map((p: any) => [p.attrs.name, p.attrs.value]);
    expect(props).toContainEqual(["run", "interrupted"]);
    expect(props.map((p: string[]) => p[0])).toContain("version");
  });

  it("names each case after its bundle folder", () => {
    expect(cases().map((c: any) => c.attrs.name)).toEqual([
      "healthy",
      "dns-nxdomain",
      "tcp-refused",
      "net-packet-loss-2",
      "net-packet-loss-3",
    ]);
  });

  it("says expected vs diagnosed in a failure, a harness error as <error>, unfinished runs as <skipped>", () => {
    const [, mismatch, errored, interrupted, never] = cases();
    const failure = mismatch.children.find((c: any) => c.name === "failure");
    expect(failure.attrs.message).toBe("expected dns.nxdomain, diagnosed dns.servfail");
    expect(errored.children[0].name).toBe("error");
    expect(errored.children[0].attrs.type).toBe("RUNTIME");
    expect(errored.children[0].attrs.message).toContain("container &lt;gateway&gt; died");
    expect(interrupted.children[0]).toMatchObject({
      name: "skipped",
      text: "interrupted before its steps finished",
    });
    expect(never.children.map((c: any) => c.name)).toEqual(["skipped"]);
  });

  it("gives each case its own <system-out> with the explanation, evidence and bundle attachments", () => {
    const [ok, mismatch] = cases();
    const out = (c: any) => c.children.find((x: any) => x.name === "system-out").text as string;
    expect(out(ok)).toContain("expected: healthy\ndiagnosed: healthy (confidence high)");
    expect(out(ok)).toContain("explanation: looks like healthy");
    expect(out(ok)).toContain("[[ATTACHMENT|reports/x/healthy/gateway-mid.pcap]]");
    expect(out(ok)).toContain("[[ATTACHMENT|reports/x/healthy/gateway.log]]");
    expect(out(ok)).not.toContain("dns-nxdomain");
    expect(out(mismatch)).toContain("&lt;script&gt;");
    expect(out(mismatch)).not.toContain("\u0001");
    expect(out(mismatch)).not.toContain("healthy/");
  });

  it("writes a case per planned run while the run goes, marked incomplete", () => {
    const dir = mkdtempSync(join(tmpdir(), "backside-junit-live-"));
    const rep = new JUnitReporter();
    rep.onRunStart({
      startedAt: "2026-11-25T02:00:00.000Z",
      reportDir: dir,
      planned: [
        { id: "healthy", scenario: "healthy", repeat: 1, expected: "healthy" },
        { id: "tcp-refused", scenario: "tcp-refused", repeat: 1, expected: "tcp.refused" },
      ],
      parallel: 1,
      repeats: 1,
    });
    rep.onScenarioEnd(rs[0]);
    const live = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(live).toContain('<property name="run" value="incomplete"/>');
    expect(live).toMatch(/tests="2" failures="0" errors="0" skipped="1"/);
    expect(live).toMatch(/<testcase name="tcp-refused"[^>]*>\s*<skipped>/);
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The schema (schema/junit.xsd) states Jenkins' junit-4.xsd, the one that lets a testcase carry
   * its own output, plus Ant's stricter habits where they agree. xmllint is required, not
   * optional: npm run setup installs it (Debian's libxml2-utils), and a missing one fails here.
   */
  describe("validates against the JUnit XML schema CI tools read (xmllint)", () => {
    const schema = fileURLToPath(new URL("./schema/junit.xsd", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "backside-junit-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const save = (text: string) => {
      const file = join(dir, `junit-${n++}.xml`);
      writeFileSync(file, text);
      return file;
    };
    const validate = (text: string) => {
      const res = spawnSync("xmllint", ["--noout", "--schema", schema, save(text)], { encoding: "utf8" });
      if ((res.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
        throw new Error("xmllint is not installed: run `npm run setup` (it installs libxml2-utils)");
      if (res.error) throw res.error;
      return res;
    };

    it("accepts a run with a pass, a failure, an error, skipped runs and hostile text", () => {
      const text = renderJUnit({ ...input, results: hostile }, "host");
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
      const good = renderJUnit(input, "host");
      const broken = [
        good.replace("<testsuites>", '<testsuites tests="3">'),
        good.replace(/<skipped>/, '<skipped message="x">'),
        good.replace(' id="0"', ""),
        good.replace(/<property [^>]*\/>\s*/g, ""),
        good.replace('type="mismatch"', ""),
        good.replace(/timestamp="[^"]*"/, 'timestamp="2026-11-25T02:00:00Z"'),
        good.replace(/(<failure[^]*?<\/failure>)(\s*)(<system-out>[^]*?<\/system-out>)/, "$3$2$1"),
      ];
      for (const text of broken) {
        expect(text).not.toBe(good);
        expect(validate(text).status, text).not.toBe(0);
      }
    });

    /**
     * A real consumer: Debian's python3-junitparser (npm run setup installs it) reads the file as
     * a CI tool would and must see each case's outcome and its own output.
     */
    it("reads per-case outcomes and output with python3-junitparser", () => {
      const file = save(renderJUnit({ ...input, results: hostile }, "host"));
      const res = spawnSync("/usr/bin/python3", ["-c", JUNITPARSER, file], { encoding: "utf8" });
      if (res.status !== 0 && /No module named 'junitparser'/.test(res.stderr))
        throw new Error("python3-junitparser is not installed: run `npm run setup`");
      expect(res.status, res.stderr).toBe(0);
      const [suite] = JSON.parse(res.stdout);
      expect(suite).toMatchObject({ tests: 7, failures: 1, errors: 2, skipped: 2 });
      expect(suite.props.run).toBe("interrupted");
      const byName = Object.fromEntries(suite.cases.map((c: any) => [c.name, c]));
      expect(byName["dns-nxdomain"].results).toEqual(["failure"]);
      expect(byName["tcp-refused"].results).toEqual(["error"]);
      expect(byName["net-packet-loss-2"].results).toEqual(["skipped"]);
      expect(byName["net-packet-loss-3"].results).toEqual(["skipped"]);
      expect(byName.healthy.results).toEqual([]);
      expect(byName.healthy.out).toContain("[[ATTACHMENT|reports/x/healthy/gateway.log]]");
      expect(byName["dns-nxdomain"].out).toContain('<script>alert("x")</script>');
      expect(byName["dns-nxdomain"].out).not.toContain("reports/x/healthy/");
      expect(byName[`loss ${HOSTILE.replace("\u0001", "\ufffd")}`]).toBeDefined();
    });
  });
});

const JUNITPARSER = `
import json, sys
from junitparser import JUnitXml
out = []
for suite in JUnitXml.fromfile(sys.argv[1]):
    props = {p.name: p.value for p in suite.properties()}
    cases = [{"name": c.name, "results": [r._tag for r in c.result], "out": c.system_out} for c in suite]
    out.append({"tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                "skipped": suite.skipped, "props": props, "cases": cases})
print(json.dumps(out))
`;

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsoleReporter } from "./console-reporter.js";
import { JsonReporter } from "./json-reporter.js";
import { HtmlReporter } from "./html-reporter.js";
import { ReporterMultiplexer } from "./multiplexer.js";
import { confusionMatrix } from "./confusion-matrix.js";
import { formatDuration } from "./format-duration.js";
import { HOSTILE, refusedFlows, result, summary } from "./testing/synthetic-run.js";
import type { Reporter } from "./reporter.js";
import { formatLogLine } from "../appliance/log-line.js";

const tmp = () => mkdtempSync(join(tmpdir(), "rep-"));

describe("console reporter", () => {
  it("prints one plain line per scenario without a TTY and a summary", async () => {
    let text = "";
    const rep = new ConsoleReporter({ write: (s: string) => (text += s), isTTY: false });
    const rs = [
      result("healthy", "healthy", "healthy"),
      result("dns-nxdomain", "dns.nxdomain", "dns.servfail"),
    ];
    rep.onRunStart({
      startedAt: "x",
      reportDir: "/r",
      planned: rs.map((r) => ({ id: r.id, scenario: r.scenario, repeat: 1, expected: r.expected })),
      parallel: 1,
      repeats: 1,
    });
    for (const r of rs) rep.onScenarioEnd(r);
    rep.onRunEnd(summary(rs, "/r"));
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).toContain("✓ [1/2] healthy  expected healthy, diagnosed healthy (high)");
    expect(text).toContain("✘ [2/2] dns-nxdomain  expected dns.nxdomain, diagnosed dns.servfail");
    expect(text).toContain("1 matched, 1 mismatched");
  });
});

describe("console reporter notes", () => {
  it("says why this parallelism on the first line, the share on the second, and how to reach a kept topology", () => {
    let text = "";
    const rep = new ConsoleReporter(
      { write: (s: string) => (text += s), isTTY: false },
      { parallel: "default: 2 cores × 2", selection: "Shard 1/2: 1 of 2 scenario(s)" },
    );
    const kept = result("tcp-refused", "healthy", "tcp.refused", {
      kept: {
        runId: "r-1",
        containers: { gateway: "backside-r-1-gateway", firewall: "backside-r-1-firewall" },
        remove: "backside clean --run r-1",
      },
    });
    const planned = [{ id: kept.id, scenario: kept.scenario, repeat: 1, expected: kept.expected }];
    rep.onRunStart({ startedAt: "x", reportDir: "/r", planned, parallel: 4, repeats: 1 });
    rep.onScenarioEnd(kept);
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "Running 1 scenario run(s) (1 scenario(s) × 1) with 4 in parallel (default: 2 cores × 2)",
    );
    expect(lines[1]).toBe("Shard 1/2: 1 of 2 scenario(s)");
    expect(text).toContain(
      [
        "      kept up for a look (run r-1):",
        "        docker exec -it backside-r-1-gateway sh    # gateway",
        "        docker exec -it backside-r-1-firewall sh   # firewall",
        "      remove it: backside clean --run r-1 (once this run has ended)",
      ].join("\n"),
    );
  });
});

describe("json reporter", () => {
  it("writes timings split by phase, partial flags, and marks an interrupted run incomplete", () => {
    const dir = tmp();
    const rep = new JsonReporter();
    const r = result("tcp-refused", "tcp.refused", "tcp.refused", {
      partial: true,
      partialReasons: ["interrupted"],
      byArtifact: { report: { cause: "tcp.refused", confidence: "medium" } },
    });
    rep.onRunStart({
      startedAt: "2026-11-25T02:00:00.000Z",
      reportDir: dir,
      planned: [],
      parallel: 1,
      repeats: 1,
    });
    rep.onScenarioEnd(r);
    let doc = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(doc.complete).toBe(false);
    expect(doc.results[0]).toMatchObject({
      expected: "tcp.refused",
      diagnosed: "tcp.refused",
      match: true,
      confidence: "high",
      partial: true,
      byArtifact: { report: { cause: "tcp.refused", confidence: "medium" } },
    });
    expect(Object.keys(doc.results[0].timings).sort()).toEqual([
      "bringUp",
      "collect",
      "diagnose",
      "faultWait",
      "teardown",
      "total",
    ]);
    rep.onRunEnd(summary([r], dir, { interrupted: true, notRun: ["healthy"] }));
    doc = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(doc).toMatchObject({ complete: false, interrupted: true, notRun: ["healthy"] });
    expect(doc.schema).toBe("backside.report.v2");
    for (const k of ["alternatives", "capturePoints", "tags", "gateway", "status", "interrupted"])
      expect(doc.results[0], k).toHaveProperty(k);
  });
});

describe("multiplexer", () => {
  it("logs a failing reporter and still calls the others", async () => {
    const warnings: string[] = [];
    const calls: string[] = [];
    const broken: Reporter = {
      name: "broken",
      onScenarioEnd() {
        throw new Error("disk full");
      },
    };
    const good: Reporter = { name: "good", onScenarioEnd: (r) => void calls.push(r.id) };
    const mux = new ReporterMultiplexer([broken, good], (l) => warnings.push(l));
    await mux.onScenarioEnd(result("healthy", "healthy", "healthy"));
    expect(calls).toEqual(["healthy"]);
    expect(warnings).toEqual(["reporter broken failed in onScenarioEnd: internal error: disk full"]);
    expect(mux.failures).toHaveLength(1);
  });
});

describe("confusion matrix", () => {
  it("counts expected × diagnosed over repeats, no diagnosis as none", () => {
    const m = confusionMatrix([
      result("a-1", "tcp.refused", "tcp.refused"),
      result("a-2", "tcp.refused", "tcp.silent-drop"),
      result("b", "healthy", null),
    ]);
    expect(m.rows).toEqual(["healthy", "tcp.refused"]);
    expect(m.cols).toEqual(
      ["tcp.silent-drop", "tcp.refused", "none"].sort((x, y) => (x === "none" ? 1 : y === "none" ? -1 : 0)),
    );
    expect(m.counts["tcp.refused"]).toEqual({ "tcp.refused": 1, "tcp.silent-drop": 1 });
    expect(m.counts.healthy).toEqual({ none: 1 });
  });
});

describe("html reporter", () => {
  it("escapes hostile strings from artifacts and draws the ladder as inline SVG", async () => {
    const dir = tmp();
    const r = result("tcp-refused", "tcp.refused", "tcp.silent-drop", {
      description: HOSTILE,
      explanation: HOSTILE,
      evidence: [{ text: HOSTILE, source: HOSTILE }],
      nextSteps: [HOSTILE],
      artifacts: { pcaps: ["gateway-mid.pcap"], gatewayLog: "gateway.log", other: ["a b&c.txt"] },
      byArtifact: {
        captures: { cause: "tcp.refused", confidence: "high" },
        log: { cause: "tcp.silent-drop", confidence: "medium" },
      },
    });
    mkdirSync(join(dir, "tcp-refused"));
    writeFileSync(
      join(dir, "tcp-refused", "gateway.log"),
      formatLogLine({
        time: 0,
        code: "0x01130006",
        category: "mpgw",
        level: "error",
        objectType: "mpgw",
        objectName: "gw",
        tid: 7,
        message: `Failed to establish a backside connection ${HOSTILE.replace(/\u0001/g, "")}`,
      }) +
        "\n" +
        formatLogLine({
          time: 0,
          category: "mpgw",
          level: "debug",
          objectType: "mpgw",
          objectName: "gw",
          message: "not shown",
        }) +
        "\n",
    );
    const rep = new HtmlReporter(async () => refusedFlows("10.0.0.1<b>", "10.0.0.2"));
    rep.onRunStart({
      startedAt: "2026-11-25T02:00:00.000Z",
      reportDir: dir,
      planned: [],
      parallel: 1,
      repeats: 1,
    });
    await rep.onScenarioEnd(r);
    await rep.onRunEnd(summary([r], dir));
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("10.0.0.1<b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toMatch(/<svg [^>]*class="ladder"/);
    expect(html).toContain(">SYN<");
    expect(html).toContain(">RST-ACK<");
    expect(html).toContain('href="tcp-refused/gateway-mid.pcap"');
    expect(html).toContain('href="tcp-refused/a%20b%26c.txt"');
    expect(html).toContain('id="confusion"');
    expect(html).toContain("Failed to establish a backside connection &lt;script&gt;");
    expect(html).not.toContain("not shown");
    // Each artifact alone: the captures name the expected label, the log another; no report row.
    const alone = /<table class="alone">(.*?)<\/table>/s.exec(html)?.[1] ?? "";
    expect(alone).toMatch(/<td>the captures<\/td><td>tcp\.refused<\/td><td>high<\/td><td class="ok">/);
    expect(alone).toMatch(
      /<td>the gateway log<\/td><td>tcp\.silent-drop<\/td><td>medium<\/td><td class="bad">/,
    );
    expect(alone).not.toContain("the error report");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("puts what needs a look first, collapses passing runs, and filters by status and tag without scripts", async () => {
    const dir = tmp();
    const rs = [
      result("healthy", "healthy", "healthy", { tags: ["control"] }),
      result("tcp-refused", "tcp.refused", "tcp.refused", {
        partial: true,
        partialReasons: ["x"],
        tags: ["tcp"],
      }),
      result("dns-nxdomain", "dns.nxdomain", "dns.servfail", {
        tags: ["dns", "<b>odd tag</b>"],
        alternatives: [{ cause: "dns.nxdomain", why: "an NXDOMAIN seen once (score 1 against 3)" }],
        capturePoints: [
          { source: "gateway-mid.pcap", synTtl: 64, sawSyn: true, sawAnswer: false },
          { source: "firewall-back.pcap", synTtl: null, sawSyn: false, sawAnswer: false },
        ],
      }),
      result("tcp-silent-drop", "tcp.silent-drop", null, { interrupted: true, tags: ["tcp"] }),
    ];
    const rep = new HtmlReporter();
    rep.onRunStart({
      startedAt: "2026-11-25T02:00:00.000Z",
      reportDir: dir,
      planned: [],
      parallel: 1,
      repeats: 1,
    });
    await rep.onRunEnd(summary(rs, dir, { notRun: ["tls-expired"] }));
    const html = readFileSync(join(dir, "index.html"), "utf8");
    const table = /<table id="scenarios">(.*?)<\/table>/s.exec(html)![1];
    const order = [...table.matchAll(/<a href="#s-([^"]+)">/g)].map((m) => m[1]);
    expect(order).toEqual(["dns-nxdomain", "tcp-silent-drop", "tcp-refused", "healthy"]);
    expect(html).toMatch(/<details class="run s-matched t-control" id="s-healthy">/);
    expect(html).toMatch(
      /<details class="run s-mismatched s-look t-dns t--b-odd-tag-b-" id="s-dns-nxdomain" open>/,
    );
    expect(html).toMatch(/<details class="run s-matched s-partial s-look t-tcp" id="s-tcp-refused" open>/);
    expect(html).toContain("Interrupted before its steps finished: no diagnosis is claimed.");
    expect(html).toMatch(/<input type="radio" class="filter" name="status" id="f-s-look" checked>/);
    expect(html).toContain("#f-s-mismatched:checked~.runs .run:not(.s-mismatched){display:none}");
    expect(html).toContain("#f-t-tcp:checked~.runs .run:not(.t-tcp){display:none}");
    expect(html).toContain("&lt;b&gt;odd tag&lt;/b&gt;");
    expect(html).not.toContain("<b>odd tag</b>");
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/);
    expect(html).toMatch(/<li><b>dns\.nxdomain<\/b>: an NXDOMAIN seen once/);
    expect(html).toMatch(
      /<table class="points">.*<td>1<\/td><td>gateway-mid\.pcap<\/td><td>yes<\/td><td>64<\/td><td>no<\/td>/s,
    );
    expect(html).toMatch(/backside \d+\.\d+\.\d+/);
    expect(html).toContain("<td>backside</td>");
    expect(html).toContain('<p id="not-run">Not run: tls-expired</p>');
    // The interrupted run claims no diagnosis, so the matrix leaves it out.
    expect(/<table class="matrix" id="confusion">(.*?)<\/table>/s.exec(html)![1]).not.toContain(
      "tcp.silent-drop",
    );
  });

  it("keeps the page when capture analysis fails, saying why", async () => {
    const dir = tmp();
    const r = result("healthy", "healthy", "healthy");
    const rep = new HtmlReporter(async () => {
      throw new Error("truncated <pcap>");
    });
    rep.onRunStart({
      startedAt: "2026-11-25T02:00:00.000Z",
      reportDir: dir,
      planned: [],
      parallel: 1,
      repeats: 1,
    });
    await rep.onScenarioEnd(r);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).toContain(
      "Could not draw the ladder from gateway-mid.pcap: internal error: truncated &lt;pcap&gt;",
    );
    expect(html).toContain("Incomplete");
  });
});

describe("formatDuration", () => {
  it("rounds once, so 299.5 s is 5m00s and never 4m60s", () => {
    expect(formatDuration(299_500)).toBe("5m00s");
    expect(formatDuration(299_400)).toBe("4m59s");
    expect(formatDuration(59_960)).toBe("1m00s");
    expect(formatDuration(12_340)).toBe("12.3s");
    expect(formatDuration(850)).toBe("850ms");
  });
});

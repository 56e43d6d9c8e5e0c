/**
 * The reveal page as Chromium renders it (when installed): the truth, the engine's evidence with
 * packet numbers, the ladder drawn from the case's capture, each artifact alone, the injected
 * fault and the revealing commands; hostile text from the artifacts stays text. Also a
 * screenshot, checked to be a real PNG of some size.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaptureBuilder } from "../pcap/testing/packets.js";
import { analyzeCapture } from "../flows/index.js";
import { buildReveal, faultTable, revealPage, revealText } from "./reveal-page.js";
import { gradesPage } from "./grades-page.js";
import { keyCase, syntheticLab } from "./testing/synthetic-key.js";
import { grade } from "./grade.js";

const CHROMIUM = "/usr/bin/chromium";
const HOSTILE = `<script>alert("x")</script>&<img src=x onerror=alert(1)>`;
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--no-first-run",
];

function chromium(args: string[], profile: string) {
  const r = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, ...args], {
    encoding: "utf8",
    timeout: 90_000,
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function revealFixture() {
  const dir = mkdtempSync(join(tmpdir(), "reveal-"));
  const caseDir = join(dir, "cases", "case-01");
  mkdirSync(caseDir, { recursive: true });
  const cap = new CaptureBuilder();
  cap.tcp({ client: "10.100.1.10", server: "10.100.2.10", cport: 40000, sport: 80 }).syn().refuse();
  cap.write(join(caseDir, "gateway-mid.pcap"));
  const bundle = join(dir, "key.runs", "tcp-refused");
  mkdirSync(bundle, { recursive: true });
  writeFileSync(
    join(bundle, "firewall-ruleset.txt"),
    `table inet backside_base {\n}\ntable inet backside_faults {\n\tchain forward {\n\t\ttcp dport 80 reject with tcp reset comment "backside:reject:f0 ${HOSTILE}"\n\t}\n}\n`,
  );
  const c = keyCase("case-01", "tcp.refused", {
    scenario: "tcp-refused",
    description: `Nothing listens ${HOSTILE}`,
    engine: {
      cause: "tcp.refused",
      confidence: "high",
      explanation: "The SYN was answered with RST+ACK.",
      evidence: [
        {
          text: `10.100.1.10:40000 -> 10.100.2.10:80 was refused with RST ${HOSTILE}`,
          source: "gateway-mid.pcap packets 1,2",
        },
      ],
      nextSteps: ["Check that the backend listens on port 80."],
    },
    alone: {
      log: { cause: "tcp.refused", confidence: "medium" },
      capture: { cause: "tcp.refused", confidence: "high" },
    },
    enoughAt: "log",
    injected: ['backend: { mode: "not-listening" }'],
    bundle,
  });
  return { dir, caseDir, c };
}

describe("reveal", () => {
  it("takes the fault table out of a ruleset dump", () => {
    const rule = '\t\tdrop comment "backside:drop:f0"\n';
    const dump = `table inet a {\n}\ntable inet backside_faults {\n\tchain x {\n${rule}\t}\n}\ntable ip b {\n}\n`;
    expect(faultTable(dump)).toBe(`table inet backside_faults {\n\tchain x {\n${rule}\t}\n}`);
    // Chains without a rule: nothing was injected there.
    expect(faultTable("table inet backside_faults {\n\tchain x {\n\t}\n}\n")).toBeUndefined();
  });

  it("as text names the truth, the evidence with packet numbers and the commands", async () => {
    const { caseDir, c } = revealFixture();
    const r = await buildReveal(
      c,
      caseDir,
      (p) => analyzeCapture(p, { ignoreChecksums: true }),
      "tcp.silent-drop",
    );
    const t = revealText(r);
    expect(t).toContain("case-01: tcp.refused");
    expect(t).toContain("your answer: tcp.silent-drop (wrong)");
    expect(t).toContain("[gateway-mid.pcap packets 1,2]");
    expect(t).toContain("test tcp-connection HOST PORT: connection refused at once");
  });

  it.skipIf(!existsSync(CHROMIUM))(
    "renders in headless Chromium with the content and no live hostile markup",
    { timeout: 180_000 },
    async () => {
      const { dir, caseDir, c } = revealFixture();
      const r = await buildReveal(c, caseDir, (p) => analyzeCapture(p, { ignoreChecksums: true }));
      const page = join(dir, "reveal-case-01.html");
      writeFileSync(page, revealPage(r));
      const profile = mkdtempSync(join(tmpdir(), "chromium-"));
      const dom = chromium(["--dump-dom", `file://${page}`], profile);
      expect(dom.status, dom.stderr.slice(-500)).toBe(0);
      const html = dom.stdout;
      expect(html).toMatch(/True cause: <b>tcp\.refused<\/b>/);
      expect(html).toContain("<code>tcp-refused</code>");
      expect(html).toContain("[gateway-mid.pcap packets 1,2]");
      expect(html).toMatch(/<svg[^>]*class="ladder"/);
      expect(html).toMatch(/>SYN</);
      expect(html).toMatch(/>RST-ACK</);
      expect(html).toMatch(/<table class="alone">[\s\S]*the gateway log[\s\S]*the captures/);
      expect(html).toContain("Enough on its own: the gateway log.");
      expect(html).toMatch(/<div id="fault">[\s\S]*not-listening[\s\S]*table inet backside_faults/);
      expect(html).not.toContain("backside_base");
      expect(html).toMatch(/<div id="commands">[\s\S]*test tcp-connection/);
      expect(html).not.toMatch(/<img/);
      expect(html).not.toMatch(/<script/);
      expect(html).toContain("&lt;script&gt;alert");

      const png = join(dir, "reveal.png");
      const shot = chromium([`--screenshot=${png}`, "--window-size=1200,1600", `file://${page}`], profile);
      expect(shot.status, shot.stderr.slice(-500)).toBe(0);
      expect(statSync(png).size).toBeGreaterThan(5_000);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    },
  );
});

describe("grades page", () => {
  it("has a row per learner with escaped names and answers", () => {
    const key = syntheticLab(mkdtempSync(join(tmpdir(), "grades-")), ["tcp.refused", "healthy"]);
    const g1 = grade(key, { version: 1, answers: [{ case: "case-01", label: "tcp.refused", at: "t" }] });
    const g2 = grade(key, { version: 1, answers: [{ case: "case-02", label: HOSTILE, at: "t" }] });
    const html = gradesPage(key, [
      { who: "ann", grade: g1 },
      { who: HOSTILE, grade: g2 },
    ]);
    // The header, two learners, the footer.
    expect(html.match(/<tr><th>/g)).toHaveLength(4);
    expect(html).toMatch(/<th>ann<\/th><td class="ok"/);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain('<td class="score">1/2</td>');
  });
});

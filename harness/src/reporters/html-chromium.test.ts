/**
 * Opens the HTML report in headless Chromium (when installed) and checks the page as rendered:
 * the scenario table, the confusion matrix, the ladder SVG drawn from a real capture, and that
 * hostile text from artifacts stayed text (no element made from it, no script run); and, in a
 * 1400 px frame, that the matrix over every label and the page fit the window.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HtmlReporter } from "./html-reporter.js";
import { analyzeCapture } from "../flows/index.js";
import { HOSTILE, result, summary } from "./testing/synthetic-run.js";
import { CAUSES } from "../taxonomy.js";
import { diagnose } from "../engine/diagnose.js";
import { bundleInput } from "../runner/diagnose-bundle.js";
import { renderDiagnosisPage } from "./diagnosis-page.js";
import { writeRefusedPcap } from "./testing/refused-pcap.js";
import { countColour, decodePng } from "./testing/png-pixels.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

function chromium(
  args: string[],
  profile: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, ...args], {
    encoding: "utf8",
    timeout: 90_000,
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

describe.skipIf(!existsSync(CHROMIUM))("html report in headless Chromium", () => {
  it("renders the table, matrix and ladder, and keeps hostile text inert", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "rep-html-"));
    mkdirSync(join(dir, "tcp-refused"));
    writeRefusedPcap(join(dir, "tcp-refused", "gateway-mid.pcap"));
    const rs = [
      // Mismatched, so its section is open and shown by default: the screenshot shows its ladder.
      result("tcp-refused", "tcp.refused", "tcp.silent-drop", {
        evidence: [{ text: HOSTILE }],
        artifacts: { pcaps: ["gateway-mid.pcap"], other: [] },
      }),
      result("dns-nxdomain", "dns.nxdomain", "dns.servfail", { artifacts: { pcaps: [], other: [] } }),
    ];
    const rep = new HtmlReporter((paths) => analyzeCapture(paths, { ignoreChecksums: true }));
    rep.onRunStart({
      startedAt: "2026-11-25T02:00:00.000Z",
      reportDir: dir,
      planned: [],
      parallel: 1,
      repeats: 1,
    });
    for (const r of rs) await rep.onScenarioEnd(r);
    await rep.onRunEnd(summary(rs, dir));
    const url = `file://${join(dir, "index.html")}`;
    const profile = mkdtempSync(join(tmpdir(), "chromium-"));

    const dom = chromium(["--dump-dom", url], profile);
    expect(dom.status, dom.stderr.slice(-500)).toBe(0);
    const html = dom.stdout;
    expect(html).toMatch(/<table id="scenarios">[\s\S]*<\/table>/);
    const table = /<table id="scenarios">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toContain("tcp-refused");
    expect(table).toContain("dns-nxdomain");
    expect(html).toMatch(/<table class="matrix" id="confusion">/);
    expect(html).toMatch(/<svg[^>]*class="ladder"/);
    expect(html).toMatch(/>SYN</);
    expect(html).toMatch(/>RST-ACK</);
    // The hostile evidence is shown as text: no <img> element and no <script> in the live DOM.
    expect(html).not.toMatch(/<img/);
    expect(html).not.toMatch(/<script/);
    expect(html).toContain("&lt;script&gt;alert");

    // The same report with its ladder drawings taken out: what the screenshot adds is the ladder.
    const bare = join(dir, "bare.html");
    writeFileSync(bare, readFileSync(join(dir, "index.html"), "utf8").replace(/<svg[\s\S]*?<\/svg>/g, ""));
    const shoot = (file: string, name: string) => {
      const png = join(dir, name);
      const shot = chromium([`--screenshot=${png}`, "--window-size=1200,1600", `file://${file}`], profile);
      expect(shot.status, shot.stderr.slice(-500)).toBe(0);
      return decodePng(readFileSync(png));
    };
    const px = shoot(join(dir, "index.html"), "shot.png");
    const without = shoot(bare, "bare.png");
    expect([px.width, px.height]).toEqual([1200, 1600]);
    // The refused connect's ladder was painted: the SYN's blue arrow and the RST-ACK's red one.
    expect(countColour(px, "#1f6feb") - countColour(without, "#1f6feb")).toBeGreaterThan(30);
    expect(countColour(px, "#cf222e") - countColour(without, "#cf222e")).toBeGreaterThan(30);
  });
});

/**
 * Measures the report as laid out, from a page of the test's own that frames it: the report's
 * CSP forbids scripts in it, so the measuring script runs outside (file access between the two
 * pages needs --allow-file-access-from-files).
 */
const MEASURE = `<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="index.html" style="width:1400px;height:1000px;border:0"></iframe>
<script>
document.getElementById("f").onload = function () {
  var d = this.contentDocument;
  var m = d.getElementById("confusion");
  var out = document.createElement("pre");
  out.id = "measure";
  out.textContent = JSON.stringify({
    matrix: m.getBoundingClientRect().right,
    page: d.documentElement.scrollWidth,
    open: Array.prototype.map.call(d.querySelectorAll("details[open]"), function (e) { return e.id; }),
    shown: Array.prototype.filter.call(d.querySelectorAll("#scenarios tr.run"), function (e) {
      return e.getBoundingClientRect().height > 0;
    }).length,
  });
  document.body.appendChild(out);
};
</script></body></html>`;

describe.skipIf(!existsSync(CHROMIUM))("html report laid out at 1400 px", () => {
  it(
    "fits the matrix over every label and the page in the window, failures open and first",
    { timeout: 180_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "rep-fit-"));
      // Every label expected, each diagnosed as the next one: a full matrix, every cell off the diagonal.
      const rs = CAUSES.map((c, i) => result(`s-${c.replace(".", "-")}`, c, CAUSES[(i + 1) % CAUSES.length]));
      rs.push(result("healthy-2", "healthy", "healthy"));
      const rep = new HtmlReporter();
      rep.onRunStart({
        startedAt: "2026-11-25T02:00:00.000Z",
        reportDir: dir,
        planned: [],
        parallel: 1,
        repeats: 1,
      });
      await rep.onRunEnd(summary(rs, dir));
      writeFileSync(join(dir, "measure.html"), MEASURE);
      const profile = mkdtempSync(join(tmpdir(), "chromium-"));
      const r = chromium(
        [
          "--allow-file-access-from-files",
          "--window-size=1400,1000",
          "--dump-dom",
          `file://${join(dir, "measure.html")}`,
        ],
        profile,
      );
      expect(r.status, r.stderr.slice(-500)).toBe(0);
      const m = JSON.parse(
        /<pre id="measure">(.*?)<\/pre>/s.exec(r.stdout)?.[1].replace(/&quot;/g, '"') ?? "null",
      );
      expect(m, r.stdout.slice(0, 500)).not.toBeNull();
      expect(m.matrix).toBeLessThanOrEqual(1400);
      expect(m.page).toBeLessThanOrEqual(1400);
      // Mismatches are open, the passing run is collapsed; the default filter shows what needs a look.
      expect(m.open).toHaveLength(CAUSES.length);
      expect(m.open).not.toContain("s-healthy-2");
      expect(m.shown).toBe(CAUSES.length);
      const png = join(dir, "fit.png");
      const shot = chromium(
        [`--screenshot=${png}`, "--window-size=1400,1000", `file://${join(dir, "index.html")}`],
        profile,
      );
      expect(shot.status, shot.stderr.slice(-500)).toBe(0);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    },
  );
});

describe.skipIf(!existsSync(CHROMIUM))("path ladder in headless Chromium", () => {
  it(
    "draws the silent drop's lanes, crosses and frame numbers, and a screenshot shows them",
    { timeout: 180_000 },
    async () => {
      const bundle = join(import.meta.dirname, "../engine/fixtures/runs/tcp-silent-drop");
      const d = await diagnose(bundleInput(bundle));
      const points = [];
      for (const p of d.capturePoints!.order)
        points.push({
          source: p.source,
          summary: await analyzeCapture([join(bundle, p.source)], { ignoreChecksums: true }),
        });
      const log = readFileSync(join(bundle, "gateway.log"), "utf8");
      const dir = mkdtempSync(join(tmpdir(), "rep-ladder-"));
      const page = join(dir, "diagnosis.html");
      writeFileSync(page, await renderDiagnosisPage(d, points, log));
      // The same page without the ladder: what the screenshot adds is the ladder's own drawing.
      const bare = join(dir, "bare.html");
      writeFileSync(bare, await renderDiagnosisPage(d, [], log));
      const profile = mkdtempSync(join(tmpdir(), "chromium-"));
      const dom = chromium(["--dump-dom", `file://${page}`], profile);
      expect(dom.status, dom.stderr.slice(-500)).toBe(0);
      const lanes = [...dom.stdout.matchAll(/<g class="lane" data-role="([^"]+)" data-source="([^"]*)">/g)];
      expect(lanes.map((m) => `${m[1]} ${m[2]}`)).toEqual([
        "gateway gateway-mid.pcap",
        "firewall firewall-mid.pcap",
        "firewall firewall-back.pcap",
        "backend backend-back.pcap",
      ]);
      expect(dom.stdout).toMatch(/>firewall \(mid\)<\/text><text[^>]*>10\.\d+\.\d+\.254<\/text>/);
      expect(dom.stdout.match(/class="lost-mark"/g)).toHaveLength(3);
      expect(dom.stdout).toContain(">SYN (retransmission)<");
      expect(dom.stdout).toMatch(/class="frame"[^>]*>#8</);
      expect(dom.stdout).toContain("dropped in the firewall itself");
      expect(dom.stdout).not.toMatch(/<script/);
      const shoot = (file: string, name: string) => {
        const png = join(dir, name);
        const shot = chromium([`--screenshot=${png}`, "--window-size=1400,2400", `file://${file}`], profile);
        expect(shot.status, shot.stderr.slice(-500)).toBe(0);
        return decodePng(readFileSync(png));
      };
      const withLadder = shoot(page, "ladder.png");
      const without = shoot(bare, "bare.png");
      expect(withLadder.width).toBe(1400);
      // Three SYN arrows in the SYN colour and three red crosses (10 px, 2 px strokes) were painted.
      expect(countColour(withLadder, "#1f6feb") - countColour(without, "#1f6feb")).toBeGreaterThan(60);
      expect(countColour(withLadder, "#cf222e") - countColour(without, "#cf222e")).toBeGreaterThan(30);
    },
  );
});

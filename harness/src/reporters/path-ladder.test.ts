/**
 * The path ladder on golden bundles from real runs (engine/fixtures/runs): lanes in the engine's
 * path order, where each packet was last seen, protocol names, retransmissions and frame numbers,
 * and an SVG wide enough for every caption.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../flows/index.js";
import { diagnose } from "../engine/diagnose.js";
import { bundleInput } from "../runner/diagnose-bundle.js";
import { buildPathLadder, type PathLadder } from "./path-ladder.js";
import { renderPathLadderSvg } from "./path-ladder-svg.js";
import { renderLadders } from "./ladder-block.js";

const RUNS = resolve(import.meta.dirname, "../engine/fixtures/runs");

async function points(b: string) {
  const dir = join(RUNS, b);
  const d = await diagnose(bundleInput(dir));
  const order = d.capturePoints!.order.map((p) => p.source);
  const out = [];
  for (const source of order)
    out.push({ source, summary: await analyzeCapture([join(dir, source)], { ignoreChecksums: true }) });
  return { d, points: out, log: readFileSync(join(dir, "gateway.log"), "utf8") };
}

const packets = (l: PathLadder) => l.rows.filter((r) => r.kind !== "log");

describe("path ladder", () => {
  it("tcp-silent-drop: lanes by role in path order; each SYN ends with a cross at firewall-mid", async () => {
    const { points: p, log } = await points("tcp-silent-drop");
    const l = buildPathLadder(p, log)!;
    expect(l.lanes.map((x) => x.role)).toEqual([
      "gateway (mid)",
      "firewall (mid)",
      "firewall (back)",
      "backend (back)",
    ]);
    expect(l.lanes[0].address).toMatch(/^10\.\d+\.\d+\.10$/);
    const syns = packets(l);
    expect(syns.map((r) => r.label)).toEqual(["SYN", "SYN", "SYN"]);
    for (const r of syns) expect(r).toMatchObject({ from: 0, to: 1, lost: true });
    expect(syns.map((r) => r.retransmission)).toEqual([false, true, true]);
    expect(syns[0].frames.map((f) => f.lane)).toEqual([0, 1]);
    // The gateway's own account on the same timeline: its connect timeout fired after the SYNs.
    const timeout = l.rows.find((r) => r.kind === "log" && /connect-timeout fired|timed out/.test(r.label));
    expect(timeout!.t).toBeGreaterThan(syns[2].t);
  });

  it("tcp-syn-ack-dropped: the SYN crosses every point; each SYN-ACK is lost at firewall-back", async () => {
    const { points: p, log } = await points("tcp-syn-ack-dropped");
    const l = buildPathLadder(p, log)!;
    const syn = packets(l).filter((r) => r.kind === "syn");
    for (const r of syn) expect(r).toMatchObject({ from: 0, to: 3, lost: false });
    const synack = packets(l).filter((r) => r.kind === "synack");
    expect(synack.length).toBeGreaterThan(0);
    for (const r of synack) expect(r).toMatchObject({ from: 3, to: 2, lost: true, dir: "resp" });
  });

  it("dns-stale-cache: the SYN to the old address reaches the last capture point, in the engine's order", async () => {
    const { d, points: p, log } = await points("dns-stale-cache");
    const l = buildPathLadder(p, log)!;
    expect(l.lanes.map((x) => x.source)).toEqual(d.capturePoints!.order.map((x) => x.source));
    expect(l.title).toContain(d.backend!.addresses[0]);
    const syns = packets(l).filter((r) => r.kind === "syn");
    expect(syns.length).toBeGreaterThan(0);
    expect(syns.at(-1)!.to).toBe(l.lanes.length - 1);
    // DNS matters here: its exchanges are drawn too, with the rcode and the new address.
    const html = renderLadders(p, log);
    expect(html).toContain("<h4>DNS exchanges");
    expect(html).toMatch(/>NOERROR [\d.]+</);
  });

  it("backend-overloaded: a burst view with every connection and where its SYN was seen", async () => {
    const { points: p, log } = await points("backend-overloaded");
    const html = renderLadders(p, log, "backend-overloaded/");
    expect(html).toMatch(/<h4>Burst: \d+ connections/);
    expect(html).toMatch(/<table class="burst">.*<th>gateway-mid\.pcap<\/th><th>firewall-mid\.pcap<\/th>/s);
    const rows = html.match(/<tr><td>10\.[\d.]+:\d+<\/td>/g) ?? [];
    expect(rows.length).toBeGreaterThan(3);
    expect(html).toContain('href="backend-overloaded/gateway-mid.pcap"');
    expect(html).toContain("History (Zeek): S SYN");
  });

  it("tls-unknown-ca: protocol names on the arrows, not flags and lengths", async () => {
    const { points: p, log } = await points("tls-unknown-ca");
    const l = buildPathLadder(p, log)!;
    const labels = packets(l).map((r) => r.label);
    expect(labels).toContain("Client Hello");
    expect(labels.some((x) => /^Server Hello/.test(x))).toBe(true);
    // TLS 1.3 encrypts the certificate; the gateway gave up on it and closed: no alert on the wire.
    expect(labels).toContain("FIN");
    expect(labels.join(" ")).not.toMatch(/PSH-ACK|len=/);
  });

  it("draws an SVG wide enough for every lane caption and label", async () => {
    const { points: p, log } = await points("tcp-syn-ack-dropped");
    const l = buildPathLadder(p, log)!;
    const svg = renderPathLadderSvg(l);
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    // Every text's anchor plus half its length (middle-anchored) stays inside the picture.
    for (const m of svg.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>([^<]*)</g))
      expect(Number(m[1]) + (m[2].length * 6.7) / 2, m[2]).toBeLessThanOrEqual(width);
    expect(svg.match(/class="lost-mark"/g)?.length).toBe(packets(l).filter((r) => r.lost).length);
    expect(svg).toContain("(retransmission)");
  });
});

/**
 * The path ladder on golden bundles from real runs (engine/fixtures/runs) and on captures of real
 * tools (test/real-tools/corpus): lanes by role with their addresses in the engine's path order,
 * where each packet was last seen, protocol names as tshark's Info column says them (request
 * and status lines, TLS messages and alerts, DNS names and rcodes), retransmissions and frame
 * numbers, and an SVG wide enough for every caption.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../flows/index.js";
import { diagnose } from "../engine/diagnose.js";
import { bundleInput } from "../runner/diagnose-bundle.js";
import { CaptureBuilder } from "../pcap/testing/packets.js";
import { buildPathLadder, type PathLadder } from "./path-ladder.js";
import { labelPathLadder, pathLadderFor } from "./path-ladder-labels.js";
import { CHAR, renderPathLadderSvg } from "./path-ladder-svg.js";
import { renderLadders } from "./ladder-block.js";
import { writeRefusedPcap } from "./testing/refused-pcap.js";

const RUNS = resolve(import.meta.dirname, "../engine/fixtures/runs");
const CORPUS = resolve(import.meta.dirname, "../../../test/real-tools/corpus");
const analyze = (f: string) => analyzeCapture([f], { ignoreChecksums: true });

async function bundle(b: string) {
  const dir = join(RUNS, b);
  const d = await diagnose(bundleInput(dir));
  const points = [];
  for (const p of d.capturePoints!.order)
    points.push({ source: p.source, summary: await analyze(join(dir, p.source)) });
  const log = readFileSync(join(dir, "gateway.log"), "utf8");
  return { d, points, log, ladder: (await pathLadderFor(points, log, d.capturePoints!.order))! };
}

const packets = (l: PathLadder) => l.rows.filter((r) => r.kind !== "log");
const lanes = (l: PathLadder) => l.lanes.map((x) => `${x.role}(${x.side}) ${x.address}`);
const ADDR = /^10\.\d+\.\d+\./;

describe("path ladder on golden bundles", () => {
  it("tcp-silent-drop: lanes are roles with addresses; each SYN ends with a cross at the firewall's mid side", async () => {
    const { d, ladder: l } = await bundle("tcp-silent-drop");
    const [gw, fwMid, fwBack, be] = l.lanes;
    expect(l.lanes.map((x) => [x.role, x.side, x.source])).toEqual([
      ["gateway", "mid", "gateway-mid.pcap"],
      ["firewall", "mid", "firewall-mid.pcap"],
      ["firewall", "back", "firewall-back.pcap"],
      ["backend", "back", "backend-back.pcap"],
    ]);
    expect(gw.address).toMatch(/^10\.\d+\.\d+\.10$/);
    // The firewall's mid address from the ARP answer for the MAC the SYN was sent to.
    expect(fwMid.address).toMatch(/^10\.\d+\.\d+\.254$/);
    expect(fwMid.address.split(".").slice(0, 3)).toEqual(gw.address.split(".").slice(0, 3));
    // Nothing crossed the firewall: its back address is not in the captures, and the ladder says so.
    expect(fwBack.address).toBe("");
    expect(be.address).toBe(d.backend!.addresses[0]);
    const syns = packets(l);
    expect(syns.map((r) => r.label)).toEqual(["SYN", "SYN", "SYN"]);
    for (const r of syns) expect(r).toMatchObject({ from: 0, to: 1, lost: true });
    expect(syns.map((r) => r.retransmission)).toEqual([false, true, true]);
    expect(syns[0].frames).toEqual([
      { lane: 0, n: 8 },
      { lane: 1, n: 7 },
    ]);
    // DNS said nothing about this failure (one answer, the address connected to): no DNS lane.
    expect(l.lanes.some((x) => x.role === "dns")).toBe(false);
    // The gateway's own account on the same timeline: its connect timeout fired after the SYNs.
    const timeout = l.rows.find((r) => r.kind === "log" && /connect-timeout fired|timed out/.test(r.label));
    expect(timeout!.t).toBeGreaterThan(syns[2].t);
    const svg = renderPathLadderSvg(l);
    // Each lane's caption: role and side, its address, then the capture file (not the file alone).
    const caption = (src: string) =>
      [
        ...(new RegExp(`data-source="${src}">((?:<text[^>]*>[^<]*</text>)+)`).exec(svg)?.[1] ?? "").matchAll(
          />([^<]+)</g,
        ),
      ].map((m) => m[1]);
    expect(caption("firewall-mid.pcap")).toEqual(["firewall (mid)", fwMid.address, "firewall-mid.pcap"]);
    expect(svg).toContain(">address not seen<");
  });

  it("tcp-syn-ack-dropped: the SYN crosses every point; each SYN-ACK is lost at the firewall's back side", async () => {
    const { ladder: l } = await bundle("tcp-syn-ack-dropped");
    expect(lanes(l)).toEqual([
      expect.stringMatching(/^gateway\(mid\) 10\.\d+\.\d+\.10$/),
      expect.stringMatching(/^firewall\(mid\) 10\.\d+\.\d+\.254$/),
      expect.stringMatching(/^firewall\(back\) 10\.\d+\.\d+\.254$/),
      expect.stringMatching(/^backend\(back\) 10\.\d+\.\d+\.10$/),
    ]);
    const syn = packets(l).filter((r) => r.kind === "syn");
    expect(syn).toHaveLength(3);
    for (const r of syn) expect(r).toMatchObject({ from: 0, to: 3, lost: false, label: "SYN" });
    const synack = packets(l).filter((r) => r.kind === "synack");
    expect(synack.length).toBeGreaterThan(2);
    for (const r of synack)
      expect(r).toMatchObject({ from: 3, to: 2, lost: true, dir: "resp", label: "SYN-ACK" });
    expect(synack.filter((r) => r.retransmission).length).toBe(synack.length - 1);
    const svg = renderPathLadderSvg(l);
    expect(svg.match(/class="lost-mark"/g)?.length).toBe(synack.length);
  });

  it("dns-stale-cache: a DNS lane with the server's address; the re-resolution names a new address", async () => {
    const { d, ladder: l } = await bundle("dns-stale-cache");
    expect(l.lanes.filter((x) => x.source).map((x) => x.source)).toEqual(
      d.capturePoints!.order.map((x) => x.source),
    );
    const dns = l.lanes.at(-1)!;
    expect(dns).toMatchObject({ role: "dns", source: "" });
    expect(dns.address).toMatch(/^10\.\d+\.\d+\.53$/);
    expect(l.title).toContain(d.backend!.addresses[0]);
    const syns = packets(l).filter((r) => r.kind === "syn");
    expect(syns.length).toBe(3);
    // No capture stands beside the backend: a lane of its own with the cached address it was asked for.
    expect(l.lanes.at(-2)).toMatchObject({ role: "backend", source: "", address: d.backend!.addresses[0] });
    // The SYN to the cached address crossed every capture point; nothing tells whether it arrived.
    for (const r of syns) expect(r).toMatchObject({ from: 0, to: 2, lost: false, unknown: true });
    const answers = packets(l).filter((r) => r.kind === "dns" && r.dir === "resp");
    expect(answers.map((r) => r.label)).toEqual([
      `DNS answer NOERROR: A ${d.backend!.addresses[0]}`,
      expect.stringMatching(/^DNS answer NOERROR: A 10\.\d+\.\d+\.11$/),
    ]);
    expect(answers.at(-1)!.label).not.toContain(d.backend!.addresses[0]);
    // The second exchange comes after the connect gave up, answered from the far lane, no capture beside the server.
    expect(answers.at(-1)!.t).toBeGreaterThan(syns.at(-1)!.t);
    const queries = packets(l).filter((r) => r.kind === "dns" && r.dir === "orig");
    expect(queries.map((r) => r.label)).toEqual([
      "DNS query A api.backside.test",
      "DNS query A api.backside.test",
    ]);
    // Solid where captured, dotted to and from the server no capture stands beside.
    for (const r of [...queries, ...answers]) expect(r.seen).not.toEqual([r.from, r.to]);
    const svg = renderPathLadderSvg(l);
    expect(svg).toContain('class="unseen"');
    expect(svg).toContain(">no capture here<");
  });

  it("backend-overloaded: a burst view of every connection; the served ones carry their request line", async () => {
    const { d, points, log, ladder: l } = await bundle("backend-overloaded");
    expect(lanes(l)).toEqual([
      expect.stringMatching(/^gateway\(mid\) 10\.\d+\.\d+\.10$/),
      expect.stringMatching(/^firewall\(mid\) 10\.\d+\.\d+\.254$/),
      expect.stringMatching(/^firewall\(back\) 10\.\d+\.\d+\.254$/),
      `backend(back) ${d.backend!.addresses[0]}`,
    ]);
    // The engine's connection: its SYNs reached the backend, which never answered (a full backlog).
    const syns = packets(l).filter((x) => x.kind === "syn");
    expect(syns.length).toBeGreaterThan(1);
    for (const r of syns) expect(r).toMatchObject({ from: 0, to: 3, lost: false, unknown: false });
    expect(packets(l).filter((x) => x.kind === "synack")).toEqual([]);
    expect(renderPathLadderSvg(l)).not.toContain('class="lost-mark"');
    const html = await renderLadders(points, log, "backend-overloaded/");
    expect(html).toMatch(/<h4>Burst: \d+ connections/);
    expect(html).toMatch(/<table class="burst">.*<th>gateway-mid\.pcap<\/th><th>firewall-mid\.pcap<\/th>/s);
    const rows = html.match(/<tr><td>10\.[\d.]+:\d+<\/td>/g) ?? [];
    expect(rows.length).toBeGreaterThan(3);
    expect(html).toContain('href="backend-overloaded/gateway-mid.pcap"');
    expect(html).toContain("History (Zeek): S SYN");
    // A connection the backend accepted: its request as tshark shows it, read back from the capture.
    const served = points[0].summary.tcp.find((c) => c.origBytes > 0)!;
    const one = await labelPathLadder(buildPathLadder(points, log, served)!, points);
    const data = packets(one).filter((r) => r.kind === "data");
    expect(data[0]).toMatchObject({ label: "GET / HTTP/1.1", from: 0, to: 3, dir: "orig" });
  });

  it("net-packet-loss-late-response: request and status lines; retransmitted requests lost after the firewall's mid side", async () => {
    const { ladder: l } = await bundle("net-packet-loss-late-response");
    const data = packets(l).filter((r) => r.kind === "data");
    expect(data.some((r) => r.label === "GET / HTTP/1.1" && r.dir === "orig")).toBe(true);
    expect(data.some((r) => r.label === "HTTP/1.1 200 OK" && r.dir === "resp")).toBe(true);
    expect(data.some((r) => r.retransmission && r.lost && r.to === 1)).toBe(true);
    expect(data.every((r) => !/bytes\)$/.test(r.label))).toBe(true);
  });

  it("tls-unknown-ca: TLS names on the arrows, not flags and lengths", async () => {
    const { ladder: l } = await bundle("tls-unknown-ca");
    const labels = packets(l).map((r) => r.label);
    expect(labels).toContain("Client Hello");
    expect(labels.some((x) => /^Server Hello/.test(x))).toBe(true);
    // TLS 1.3 encrypts the certificate; the gateway gave up on it and closed: no alert on the wire.
    expect(labels).toContain("FIN");
    expect(labels.join(" ")).not.toMatch(/PSH-ACK|len=/);
  });

  it("draws an SVG wide enough for every lane caption and label, none overlapping the next lane's", async () => {
    for (const b of [
      "tcp-silent-drop",
      "tcp-syn-ack-dropped",
      "dns-stale-cache",
      "net-packet-loss-late-response",
      "net-wrong-route",
    ]) {
      const { ladder: l } = await bundle(b);
      const svg = renderPathLadderSvg(l);
      const width = Number(/width="(\d+)"/.exec(svg)![1]);
      const xs = [...svg.matchAll(/<g class="lane"[^>]*><text x="([\d.]+)"/g)].map((m) => Number(m[1]));
      const gap = xs[1] - xs[0];
      // Every middle-anchored text (lane captions, arrow labels) stays inside the picture.
      for (const m of svg.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>([^<]*)</g))
        expect(Number(m[1]) + (m[2].length * CHAR) / 2, m[2]).toBeLessThanOrEqual(width);
      // And every text that starts at a point and runs right (log notes, one-lane labels).
      for (const m of svg.matchAll(/<text x="([\d.]+)"(?![^>]*text-anchor)[^>]*>([^<]*)</g))
        expect(Number(m[1]) + m[2].length * CHAR, m[2]).toBeLessThanOrEqual(width);
      // A lane caption is narrower than the gap between lanes, so neighbours never overlap.
      for (const m of svg.matchAll(/<g class="lane"[^>]*>((?:<text[^>]*>[^<]*<\/text>)+)/g))
        for (const t of m[1].matchAll(/>([^<]*)</g)) expect(t[1].length * CHAR, t[1]).toBeLessThan(gap);
      expect(svg.match(/class="lost-mark"/g)?.length ?? 0).toBe(packets(l).filter((r) => r.lost).length);
    }
  });
});

describe("path ladder and the engine's 'where it died'", () => {
  const ANSWERS = new Set(["synack", "rst", "icmp"]);
  it.each(readdirSync(RUNS).filter((b) => b !== "nginx-healthy-https"))(
    "%s: the ladder's marks say what Diagnosis.capturePoints.died says",
    async (b) => {
      const { d, ladder: l } = await bundle(b);
      const died = d.capturePoints!.died;
      const at = (i: number) => l.lanes[i].source;
      const syn = packets(l).find((r) => r.kind === "syn")!;
      const answers = packets(l).filter((r) => ANSWERS.has(r.kind));
      if (died.kind === "syn-lost") expect([syn.lost, at(syn.to)]).toEqual([true, died.lastSeen]);
      if (died.kind === "unanswered") {
        expect([syn.lost, at(syn.to)]).toEqual([false, died.last]);
        expect(answers).toEqual([]);
      }
      if (died.kind === "answer-lost")
        expect(answers.filter((r) => r.lost).map((r) => at(r.to))).toContain(died.answeredAt[0]);
      if (died.kind === "answered") expect(answers.some((r) => !r.lost && r.to === 0)).toBe(true);
    },
  );
});

describe("path ladder on captures of real tools", () => {
  it("names a TLS alert as tshark does: Alert (Level: Fatal, Description: Unknown CA)", async () => {
    const source = "tls-unknown-ca-curl.pcap";
    const points = [{ source, summary: await analyze(join(CORPUS, source)) }];
    const l = (await pathLadderFor(points))!;
    expect(packets(l).map((r) => r.label)).toContain("Alert (Level: Fatal, Description: Unknown CA)");
  });

  it("names a protocol-version alert and a redirect's status line", async () => {
    const tls = "tls-version-curl.pcap";
    const l = (await pathLadderFor([{ source: tls, summary: await analyze(join(CORPUS, tls)) }]))!;
    expect(packets(l).map((r) => r.label)).toContain("Alert (Level: Fatal, Description: Protocol Version)");
    const http = "healthy-redirect-curl.pcap";
    const points = [{ source: http, summary: await analyze(join(CORPUS, http)) }];
    const first = points[0].summary.tcp[0];
    const r = await labelPathLadder(buildPathLadder(points, undefined, first)!, points);
    expect(packets(r).map((x) => x.label)).toContain("HTTP/1.1 301 Moved Permanently");
  });

  it("an ICMP error on the arrows, from the router that sent it; a capture whose name tells no role is a capture point", async () => {
    const source = "tcp-rejected-icmp-admin-curl.pcap";
    const l = (await pathLadderFor([{ source, summary: await analyze(join(CORPUS, source)) }]))!;
    expect(l.lanes.map((x) => [x.role, x.source])).toEqual([
      ["gateway", ""],
      ["capture", source],
      ["backend", ""],
    ]);
    const icmp = packets(l).find((r) => r.kind === "icmp")!;
    expect(icmp.label).toBe("ICMP communication administratively prohibited from 10.199.1.1");
    // The SYN was answered by a router, not the backend: nothing says it reached the backend.
    expect(packets(l).find((r) => r.kind === "syn")).toMatchObject({ from: 0, to: 1, unknown: true });
  });

  it("DNS alone when no TCP connection was made: the rcode on the answer", async () => {
    const source = "dns-nxdomain-curl.pcap";
    const l = (await pathLadderFor([{ source, summary: await analyze(join(CORPUS, source)) }]))!;
    expect(l.title).toBe("DNS exchanges with 10.199.2.53");
    expect(l.lanes.map((x) => `${x.role} ${x.address}`)).toEqual([
      "gateway 10.199.1.2",
      "capture ",
      "dns 10.199.2.53",
    ]);
    expect(packets(l).map((r) => r.label)).toEqual([
      "DNS query A missing.rt.test",
      "DNS query AAAA missing.rt.test",
      "DNS answer NXDOMAIN",
      "DNS answer NXDOMAIN",
    ]);
  });

  it("one capture at the gateway: the backend gets a lane, the SYN reaches it dotted, the RST-ACK comes back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ladder-one-"));
    const file = join(dir, "gateway-mid.pcap");
    writeRefusedPcap(file);
    const l = (await pathLadderFor([{ source: "gateway-mid.pcap", summary: await analyze(file) }]))!;
    expect(l.lanes.map((x) => `${x.role} ${x.address} ${x.source}`)).toEqual([
      "gateway 10.100.1.10 gateway-mid.pcap",
      "backend 10.100.2.10 ",
    ]);
    const [syn, rst] = packets(l);
    expect(syn).toMatchObject({ label: "SYN", from: 0, to: 1, seen: [0, 0], lost: false, unknown: false });
    expect(rst).toMatchObject({ label: "RST-ACK", from: 1, to: 0, seen: [0, 0], lost: false });
    const svg = renderPathLadderSvg(l);
    expect(svg.match(/class="unseen"/g)).toHaveLength(2);
  });

  it("shows a hostile request line as text, never markup", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ladder-hostile-"));
    const cap = new CaptureBuilder();
    const c = cap.tcp({ client: "10.100.1.10", server: "10.100.2.10", cport: 40000, sport: 80 });
    c.syn().synAck({ dt: 0.001 }).ack("orig", { dt: 0.001 });
    c.send("orig", 'GET /<script>alert("x")</script> HTTP/1.1\r\nHost: x\r\n\r\n', { dt: 0.001 });
    const file = cap.write(join(dir, "gateway-mid.pcap"));
    const l = (await pathLadderFor([{ source: "gateway-mid.pcap", summary: await analyze(file) }]))!;
    expect(packets(l).map((r) => r.label)).toContain('GET /<script>alert("x")</script> HTTP/1.1');
    const svg = renderPathLadderSvg(l);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("GET /&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; HTTP/1.1");
  });
});

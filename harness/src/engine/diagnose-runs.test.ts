import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../flows/analyze.js";
import { readConn } from "./conn-outcome.js";
import { diagnose } from "./diagnose.js";

// Bundles kept from real runs of the harness (gateway, firewall and backend stand-ins in Docker):
// captures at every point, the gateway's debug log and its error report, as `backside run` left them.
const RUNS = join(import.meta.dirname, "fixtures", "runs");

function bundle(name: string) {
  const dir = join(RUNS, name);
  const files = readdirSync(dir).sort();
  return {
    pcaps: files.filter((f) => f.endsWith(".pcap")).map((f) => ({ path: join(dir, f), name: f })),
    logs: [join(dir, "gateway.log")],
    errorReport: join(dir, "error-report.txt"),
  };
}

/** How the gateway-side capture reads one connection of a bundle. */
async function gatewayConn(name: string, port: number) {
  const summary = await analyzeCapture(join(RUNS, name, "gateway-mid.pcap"), { ignoreChecksums: true });
  const c = summary.tcp.find((x) => x.id.origP === port && x.id.respP === 80);
  if (!c) throw new Error(`no connection from port ${port} in ${name}`);
  return readConn(c, summary);
}

describe("bundles from real runs", () => {
  it("net-wrong-route: the route via a front-side client, the SYN only on the front capture", async () => {
    const d = await diagnose(bundle("net-wrong-route"));
    expect(d.cause).toBe("net.wrong-route");
    expect(d.confidence).toBe("high");
    expect(d.capturePoints?.statement).toMatch(/last seen at gateway-front\.pcap/);
  });

  it("backend-overloaded: some handshakes complete and are never served, others get no SYN-ACK", async () => {
    const d = await diagnose(bundle("backend-overloaded"));
    expect(d.cause).toBe("backend.overloaded");
    expect(d.confidence).toBe("high");
  });

  it("net-packet-loss: served requests with retransmissions beside one whose request never reached the backend", async () => {
    // 50 % loss both ways: connects needed SYN retransmissions, data was retransmitted, and one
    // request died between the firewall's two sides; the log reads like a plain back-timeout.
    const d = await diagnose(bundle("net-packet-loss"));
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.packet-loss");
    expect(d.confidence).toBe("high");
    expect(d.alternatives?.map((a) => a.cause)).toContain("backend.timeout");
  });

  // Loss strikes at random, so each run of the scenario breaks the exchange its own way; these are
  // runs that once read as another label.
  it.each([
    // The last request on a reused connection went unanswered for the back-timeout; the response
    // came later and the gateway's closed socket answered it with a bare RST.
    ["net-packet-loss-late-response", "high"],
    // The gateway gave up (FIN), then its kernel retransmitted the request with the FIN: a
    // retransmission after the close is not a new request, so the late response is not an answer.
    ["net-packet-loss-fin-retransmitted", "high"],
    // A connect failed after an earlier success from the cached address: loss, not a stale cache,
    // since later connects to the same address were served.
    ["net-packet-loss-cache-hit", "high"],
    // A reused connection was reset after the gateway had given up on it.
    ["net-packet-loss-reset", "high"],
    // The first connects lost their SYN-ACKs on the way back; everything after them was served.
    ["net-packet-loss-synack-lost", "medium"],
    // Three connects lost their SYNs before the firewall's far side, then two requests were served
    // after a retransmitted SYN and retransmitted data: not a firewall rule, which drops every SYN.
    ["net-packet-loss-connects-first", "medium"],
    // A connection per request: the first connect's SYN-ACKs died in the firewall, three requests
    // were served, and the last connect's SYNs died before the firewall's far side. Not a full
    // listen queue in one burst: neither SYN went unanswered beside the backend.
    ["net-packet-loss-burst", "medium"],
    // Two connects whose SYN-ACK came after the gateway's 2 s connect timeout, answered by the
    // closed socket's RST: failed connects, not idle connections, beside two served requests.
    ["net-packet-loss-late-synack", "high"],
    // Served, then two connects whose SYNs died between the firewall's two sides, then served
    // again: the gateway did not recover from a one-off outage, the path keeps losing packets.
    ["net-packet-loss-served-between", "high"],
    // The first connect's first SYN died in the firewall and its retransmission passed; the
    // backend's first SYN-ACK died on the way back and its retransmission came after the gateway's
    // 2 s connect timeout. Two requests were served, then the last connect's SYNs died in the
    // firewall: a drop rule would not have let the first connect's later copies through.
    ["net-packet-loss-answer-retransmitted", "medium"],
  ])("%s: net.packet-loss (%s)", async (name, confidence) => {
    const d = await diagnose(bundle(name));
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.packet-loss");
    expect(d.confidence).toBe(confidence);
  });

  it("a request retransmitted after the gateway's FIN, answered late, is a failed exchange", async () => {
    const conn = await gatewayConn("net-packet-loss-fin-retransmitted", 33524);
    // The request at 967.908, the FIN at 970.933, the request again with a FIN at 973.376, the
    // response at 980.832 answered with RST.
    expect(conn.outcome).toBe("no-response");
    expect(conn.lateResponse).toBe(true);
    expect(conn.waited).toBeCloseTo(3.02, 2);
  });

  it("a SYN-ACK answered with RST and no ACK came after the gateway gave up: the connect failed", async () => {
    const conn = await gatewayConn("net-packet-loss-late-synack", 49666);
    expect(conn.outcome).toBe("unanswered");
    expect(conn.lateSynAck).toBe(true);
    // A served connection of the same run completed its handshake: not late.
    expect((await gatewayConn("net-packet-loss-late-synack", 32880)).lateSynAck).toBeUndefined();
  });

  it("a response answered with a bare RST reached a closed socket: the gateway had given up", async () => {
    const conn = await gatewayConn("net-packet-loss-late-response", 57340);
    expect(conn.outcome).toBe("no-response");
    expect(conn.lateResponse).toBe(true);
  });

  it("the log alone: requests one after another that fail two ways and succeed by turns", async () => {
    const d = await diagnose({ logs: bundle("net-packet-loss-fin-retransmitted").logs });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.packet-loss");
  });

  it("dns-stale-cache from the captures alone: the name comes from the DNS answers on the wire", async () => {
    // The backend moved: the first answer gave .10, the operator's lookup after the failure .11,
    // and the connect to .10 went unanswered. Nothing but the packets names the backend.
    const b = bundle("dns-stale-cache");
    for (const pcaps of [b.pcaps, b.pcaps.filter((x) => x.name === "gateway-mid.pcap")]) {
      const d = await diagnose({ pcaps });
      expect(d.cause, JSON.stringify(d.alternatives)).toBe("dns.stale-cache");
      expect(d.backend?.host).toBe("api.backside.test");
    }
    expect((await diagnose(b)).confidence).toBe("high");
  });

  it("net-wrong-route from the captures alone: the SYN went to the MAC of a client of the gateway", async () => {
    // Without the report's routing table: on the front capture the SYN to the backend is sent to
    // the Ethernet address that the client's own requests to the gateway come from.
    const d = await diagnose({ pcaps: bundle("net-wrong-route").pcaps });
    expect(d.cause, JSON.stringify(d.alternatives)).toBe("net.wrong-route");
    expect(d.confidence).toBe("high");
    expect(d.explanation).toMatch(/the next hop \S+ is a client of the gateway/);
    expect(d.evidence.map((e) => e.statement).join("\n")).toMatch(/was sent to [0-9a-f:]{17}, the MAC of /);
    // The gateway-side capture alone holds neither the SYN nor the client.
    const mid = await diagnose({
      pcaps: bundle("net-wrong-route").pcaps.filter((p) => p.name === "gateway-mid.pcap"),
    });
    expect(mid.cause).not.toBe("net.wrong-route");
  });

  it("the same bundles from the log alone and the report alone", async () => {
    const b = bundle("backend-overloaded");
    expect((await diagnose({ logs: b.logs })).cause).toBe("backend.overloaded");
    const w = bundle("net-wrong-route");
    expect((await diagnose({ pcaps: w.pcaps })).cause).not.toBe("healthy");
  });
});

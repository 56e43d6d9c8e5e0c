import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDns, type DnsMessage } from "../../decode/dns.js";
import { decodePacket, newDecodedPacket } from "../../decode/packet.js";
import { capturePackets } from "../../pcap/reader.js";
import { newRunId } from "../../util/run-id.js";
import { imageExists, startStandinContainer, type StandinContainer } from "../control/standin-container.js";
import { Dns } from "./dns.js";

/**
 * The DNS stand-in in a container (`--network none`: only its loopback), asked with `dig` inside
 * it and captured with tcpdump on lo; the capture is read back with the project's own reader.
 */
const IMAGE = "backside/base:latest";
const available = await imageExists(IMAGE);

let c: StandinContainer;
beforeAll(async () => {
  c = await startStandinContainer({
    role: "dns",
    image: IMAGE,
    runId: newRunId("t"),
    readyMarker: '"event":"control-listening"',
    config: {
      names: {
        "backend.test": Dns.a("10.100.2.10", 30),
        "gone.test": Dns.nxdomain(),
        "broken.test": Dns.servfail(),
        "denied.test": Dns.refused(),
        "empty.test": Dns.nodata(),
        "quiet.test": Dns.silent(),
        "big.test": Dns.truncate({ a: ["10.100.2.10", "10.100.2.11"] }),
      },
    },
  });
});
afterAll(async () => {
  await c?.remove();
});

interface Seen {
  transport: "udp" | "tcp";
  msg: DnsMessage;
}

async function dnsOnWire(file: string): Promise<Seen[]> {
  const out: Seen[] = [];
  const gen = capturePackets(file);
  for (let i = 0; i < 10_000; i++) {
    const s = await gen.next();
    if (s.done) break;
    const p = decodePacket(s.value.data, s.value.linkType, newDecodedPacket());
    if (p.proto === 17 && p.payloadLen > 0)
      out.push({ transport: "udp", msg: decodeDns(p.data, p.payloadOff, p.payloadLen) });
    // RFC 1035 §4.2.2: a TCP segment here carries one length-prefixed message (small answers).
    if (p.proto === 6 && p.payloadLen > 2)
      out.push({ transport: "tcp", msg: decodeDns(p.data, p.payloadOff + 2, p.payloadLen - 2) });
  }
  return out;
}

const dig = (args: string) =>
  c.exec(["sh", "-c", `dig @127.0.0.1 ${args}`], { allowFail: true, timeoutMs: 20_000 });

describe.skipIf(!available)("dns stand-in in a container, seen on the wire", () => {
  it("each mode's answer: rcodes, NODATA, TC then TCP, silence; a mid-run move through the control API", async () => {
    const cap = await c.capture("port 53");
    const answers: Record<string, string> = {};
    for (const n of ["backend.test", "gone.test", "broken.test", "denied.test", "empty.test"]) {
      answers[n] = (await dig(`${n} A +tries=1 +time=2`)).stdout;
    }
    const big = (await dig("big.test A +tries=1 +time=2")).stdout;
    const quiet = await dig("quiet.test A +tries=1 +time=1");
    await c.exec([
      "curl",
      "-sf",
      "-X",
      "PUT",
      "--data",
      JSON.stringify(Dns.moved("10.100.2.99", ["10.100.2.10"])),
      "http://127.0.0.1:9000/names/backend.test",
    ]);
    const moved = (await dig("backend.test A +short +tries=1 +time=2")).stdout.trim();
    const pcap = await cap.stop();

    expect(answers["gone.test"]).toMatch(/status: NXDOMAIN/);
    expect(answers["broken.test"]).toMatch(/status: SERVFAIL/);
    expect(answers["denied.test"]).toMatch(/status: REFUSED/);
    expect(answers["empty.test"]).toMatch(/status: NOERROR.*\n.*ANSWER: 0/);
    expect(big).toMatch(/Truncated, retrying in TCP mode/);
    expect(quiet.code).not.toBe(0);
    expect(moved).toBe("10.100.2.99");

    const wire = await dnsOnWire(pcap);
    const responses = (name: string) =>
      wire.filter((w) => w.msg.response && w.msg.questions[0]?.name.replace(/\.$/, "") === name);
    expect(responses("gone.test").map((w) => w.msg.rcode)).toEqual([3]);
    expect(responses("broken.test").map((w) => w.msg.rcode)).toEqual([2]);
    expect(responses("denied.test").map((w) => w.msg.rcode)).toEqual([5]);
    expect(responses("empty.test").map((w) => [w.msg.rcode, w.msg.counts.an])).toEqual([[0, 0]]);
    // RFC 7766 §5: TC over UDP, then the same question over TCP with the full answer.
    expect(responses("big.test").map((w) => [w.transport, w.msg.truncated, w.msg.counts.an])).toEqual([
      ["udp", true, 0],
      ["tcp", false, 2],
    ]);
    const quietWire = wire.filter((w) => w.msg.questions[0]?.name.replace(/\.$/, "") === "quiet.test");
    expect(quietWire.length).toBeGreaterThanOrEqual(1);
    expect(quietWire.every((w) => !w.msg.response)).toBe(true);
    expect(responses("backend.test").map((w) => w.msg.records.find((r) => r.type === 1)?.data)).toEqual([
      "10.100.2.10",
      "10.100.2.99",
    ]);

    const logs = await c.logs();
    expect(logs).toMatch(/"event":"name-changed"/);
    expect(logs).toMatch(/"event":"query-ignored".*"name":"quiet.test"/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePacket, newDecodedPacket } from "../../decode/packet.js";
import { capturePackets } from "../../pcap/reader.js";
import { createTestPki, type TestPki } from "../../tls/test-pki.js";
import { newRunId } from "../../util/run-id.js";
import { imageExists, startStandinContainer, type StandinContainer } from "../control/standin-container.js";
import { Backend, BackendTls } from "./backend.js";
import { listenCounters } from "./net-counters.js";

/**
 * The backend stand-in in a container (`--network none`), driven by curl inside it, captured on lo
 * and read back with the project's pcap reader: what each mode looks like on the wire.
 */
const IMAGE = "backside/base:latest";
const available = await imageExists(IMAGE);
const HOST = "backend.backside.test";

let c: StandinContainer;
let pki: TestPki;

beforeAll(async () => {
  if (!available) return;
  pki = await createTestPki({ hostName: HOST, runId: "backend-int" });
  c = await startStandinContainer({
    role: "backend",
    image: IMAGE,
    runId: newRunId("t"),
    readyMarker: '"event":"control-listening"',
    config: { tls: BackendTls.good(pki) },
  });
  await c.exec(["sh", "-c", `cat > /tmp/ca.pem <<'EOF'\n${pki.caCert}EOF`]);
});
afterAll(async () => {
  await c?.remove();
  await pki?.dispose();
});

/** Per client port: what each side sent (server = port 80). */
interface Conn {
  syns: number;
  synAcks: number;
  rstToSyn: boolean;
  clientBytes: number;
  serverBytes: number;
  serverFin: boolean;
  serverRst: boolean;
}

async function connsOnWire(file: string): Promise<Map<number, Conn>> {
  const conns = new Map<number, Conn>();
  const gen = capturePackets(file);
  for (let i = 0; i < 10_000; i++) {
    const s = await gen.next();
    if (s.done) break;
    const p = decodePacket(s.value.data, s.value.linkType, newDecodedPacket());
    if (p.proto !== 6) continue;
    const fromServer = p.sport === 80;
    const key = fromServer ? p.dport : p.sport;
    const k = conns.get(key) ?? {
      syns: 0,
      synAcks: 0,
      rstToSyn: false,
      clientBytes: 0,
      serverBytes: 0,
      serverFin: false,
      serverRst: false,
    };
    conns.set(key, k);
    const f = p.tcpFlags;
    if (!fromServer) {
      if (f & 0x02) k.syns++;
      k.clientBytes += p.payloadLen;
    } else {
      if ((f & 0x12) === 0x12) k.synAcks++;
      if (f & 0x04 && k.synAcks === 0) k.rstToSyn = true;
      else if (f & 0x04) k.serverRst = true;
      if (f & 0x01) k.serverFin = true;
      k.serverBytes += p.payloadLen;
    }
  }
  return conns;
}

const setMode = (m: unknown) =>
  c.exec(["curl", "-sf", "-X", "PUT", "--data", JSON.stringify(m), "http://127.0.0.1:9000/mode"]);
const curl = (extra = "") =>
  c.exec(["sh", "-c", `curl -s -o /dev/null -m 3 ${extra} http://127.0.0.1/; echo "exit=$?"`], {
    allowFail: true,
  });
const exitOf = (r: { stdout: string }) => Number(/exit=(\d+)/.exec(r.stdout)?.[1]);

async function observe(mode: unknown, run: () => Promise<unknown>): Promise<Conn[]> {
  await setMode(mode);
  const cap = await c.capture("tcp port 80");
  await run();
  return [...(await connsOnWire(await cap.stop())).values()];
}

describe.skipIf(!available)("backend stand-in in a container, seen on the wire", () => {
  it("reset: the request is ACKed, then an RST from the backend and no response bytes (curl 56)", async () => {
    let r = { stdout: "" };
    const [k] = await observe(Backend.reset(), async () => (r = await curl()));
    expect(exitOf(r)).toBe(56);
    expect(k).toMatchObject({ synAcks: 1, serverRst: true, serverFin: false, serverBytes: 0 });
    expect(k.clientBytes).toBeGreaterThan(0);
  });

  it("close: a FIN from the backend after the request, no response bytes (curl 52, empty reply)", async () => {
    let r = { stdout: "" };
    const [k] = await observe(Backend.close(), async () => (r = await curl()));
    expect(exitOf(r)).toBe(52);
    expect(k).toMatchObject({ synAcks: 1, serverFin: true, serverRst: false, serverBytes: 0 });
  });

  it("not-listening: the SYN is answered with RST+ACK by the kernel (curl 7)", async () => {
    let r = { stdout: "" };
    const [k] = await observe(Backend.notListening(), async () => (r = await curl()));
    expect(exitOf(r)).toBe(7);
    expect(k).toMatchObject({ syns: 1, synAcks: 0, rstToSyn: true });
  });

  it("overloaded: SYNs beyond the full queue get no SYN-ACK and are retransmitted; ListenOverflows grows in the container", async () => {
    const before = listenCounters((await c.exec(["cat", "/proc/net/netstat"])).stdout);
    const conns = await observe(Backend.overloaded(1), () =>
      c.exec(
        [
          "sh",
          "-c",
          "for i in 1 2 3 4 5 6; do curl -s -o /dev/null -m 3 --connect-timeout 2.5 http://127.0.0.1/ & done; wait",
        ],
        { allowFail: true },
      ),
    );
    const after = listenCounters((await c.exec(["cat", "/proc/net/netstat"])).stdout);
    expect(conns).toHaveLength(6);
    const unanswered = conns.filter((k) => k.synAcks === 0);
    expect(unanswered.length).toBeGreaterThanOrEqual(4);
    expect(unanswered.every((k) => k.syns >= 2 && !k.rstToSyn)).toBe(true);
    expect(conns.filter((k) => k.synAcks > 0).every((k) => k.serverBytes === 0)).toBe(true);
    expect(after.listenOverflows - before.listenOverflows).toBeGreaterThanOrEqual(unanswered.length);
  });

  it("healthy after all that: a 200 on the same port", async () => {
    await setMode(Backend.healthy());
    expect((await c.exec(["curl", "-s", "http://127.0.0.1/"])).stdout).toBe("ok\n");
  });

  it("TLS faults: curl's verdict and the client's alert in the backend's log", async () => {
    const tls = (t: unknown) =>
      c.exec(["curl", "-sf", "-X", "PUT", "--data", JSON.stringify(t), "http://127.0.0.1:9000/tls"]);
    const get = async (extra = "") =>
      exitOf(
        await c.exec(
          [
            "sh",
            "-c",
            `curl -s -o /dev/null -m 3 --cacert /tmp/ca.pem --resolve ${HOST}:443:127.0.0.1 ${extra} https://${HOST}/; echo "exit=$?"`,
          ],
          { allowFail: true },
        ),
      );
    await tls(BackendTls.good(pki));
    expect(await get()).toBe(0);
    await tls(BackendTls.untrustedCa(pki));
    expect(await get()).toBe(60);
    await tls(BackendTls.expired(pki));
    expect(await get()).toBe(60);
    await tls(BackendTls.wrongHost(pki));
    expect(await get()).toBe(60);
    await tls(BackendTls.tls13Only(pki));
    expect(await get("--tls-max 1.2")).toBe(35);
    const logs = await c.logs();
    expect(logs).toMatch(/"event":"tls-error".*ALERT_UNKNOWN_CA/);
    expect(logs).toMatch(/"event":"tls-error".*ERR_SSL_UNSUPPORTED_PROTOCOL/);
  });
});

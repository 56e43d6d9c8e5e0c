import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../flows/analyze.js";
import { readConn } from "./conn-outcome.js";
import { diagnose } from "./diagnose.js";

// A real run of healthy-https with nginx as the gateway (`backside run healthy-https --gateway
// nginx`): after each response nginx sends close_notify (one encrypted 24-byte record) and FIN;
// the backend's own close_notify then meets a closed socket and gets a bare RST.
const RUN = join(import.meta.dirname, "fixtures", "runs", "nginx-healthy-https");

describe("a TLS client's close_notify after the response", () => {
  it("is the end of a served exchange, not an aborted handshake", async () => {
    const summary = await analyzeCapture(join(RUN, "gateway-mid.pcap"), { ignoreChecksums: true });
    const conns = summary.tcp.filter((c) => c.id.respP === 443);
    expect(conns.length).toBe(2);
    for (const c of conns) expect(readConn(c, summary).outcome).toBe("ok");
  });

  it("reads as healthy from the captures and nginx's logs", async () => {
    const d = await diagnose({
      pcaps: ["gateway-mid.pcap", "backend-back.pcap"].map((f) => ({ path: join(RUN, f), name: f })),
      logs: [join(RUN, "gateway.log"), join(RUN, "gateway-access.log")],
    });
    expect(d.cause).toBe("healthy");
  });
});

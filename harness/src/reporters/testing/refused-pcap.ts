/** A real capture file for reporter tests: one SYN answered by RST+ACK (a refused connect). */
import { writePcap, LINKTYPE } from "../../pcap/writer.js";
import { tcpFrame } from "../../pcap/testing/packets.js";

export function writeRefusedPcap(path: string, client = "10.100.1.10", server = "10.100.2.10"): void {
  const t = 1_764_000_000;
  writePcap(
    path,
    [
      {
        ts: t,
        data: tcpFrame({
          src: client,
          dst: server,
          sport: 40000,
          dport: 80,
          flags: "S",
          seq: 1000,
          mss: 1460,
        }),
      },
      {
        ts: t + 0.0004,
        data: tcpFrame({
          src: server,
          dst: client,
          sport: 80,
          dport: 40000,
          flags: "RA",
          seq: 0,
          ack: 1001,
          ttl: 63,
        }),
      },
    ],
    { linkType: LINKTYPE.ETHERNET },
  );
}

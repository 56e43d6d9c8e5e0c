import { describe, expect, it } from "vitest";
import { captureScript } from "./capture.js";

describe("capture script", () => {
  it("never resolves names and writes unbuffered to the pcap", () => {
    const s = captureScript({ name: "gw-mid", iface: "eth1", filter: "tcp port 80" });
    expect(s).toContain(
      "'tcpdump' '-n' '-U' '--immediate-mode' '-Z' 'root' '-i' 'eth1' '-w' '/tmp/captures/gw-mid.pcap' 'tcp port 80' 2> /tmp/captures/gw-mid.err &",
    );
    expect(s).toContain("echo $! > /tmp/captures/gw-mid.pid");
    expect(s.trim().endsWith("touch /tmp/captures/gw-mid.done")).toBe(true);
  });

  it("bounds time with timeout -s INT and size with head -c through a fifo", () => {
    const s = captureScript({
      name: "x",
      iface: "eth0",
      maxSeconds: 30,
      maxBytes: 1000,
      snaplen: 96,
      maxPackets: 5,
    });
    expect(s).toContain("'timeout' '-s' 'INT' '30' 'tcpdump'");
    expect(s).toContain("'-s' '96' '-c' '5' '-w' '/tmp/captures/x.fifo'");
    expect(s).toContain("head -c 1000 < /tmp/captures/x.fifo > /tmp/captures/x.pcap &");
  });

  it("quotes a filter holding single quotes", () => {
    expect(captureScript({ name: "q", iface: "eth0", filter: "host 'a'" })).toContain(`'host '\\''a'\\'''`);
  });
});

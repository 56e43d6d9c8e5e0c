import { describe, expect, it } from "vitest";
import { captureScript } from "./capture-script.js";
import { checkOptions } from "./capture-options.js";

describe("capture script", () => {
  it("never resolves names, writes each packet as it comes, and ends the options before the filter", () => {
    const s = captureScript({ dir: "/tmp/captures", name: "gw-mid", iface: "eth1", filter: "tcp port 80" });
    expect(s).toContain(
      `'/bin/sh' '-c' 'echo $$ > "$0"; exec "$@"' '/tmp/captures/gw-mid.tpid' ` +
        "'tcpdump' '-n' '-U' '--immediate-mode' '-Z' 'root' '-i' 'eth1' '-w' '/tmp/captures/gw-mid.pcap' '--' 'tcp port 80' 2> '/tmp/captures/gw-mid.err' &",
    );
    expect(s).toContain("echo $! > '/tmp/captures/gw-mid.pid'");
    expect(s.trim().endsWith("touch '/tmp/captures/gw-mid.done'")).toBe(true);
  });

  it("bounds time with timeout -s INT and size with head -c through a fifo", () => {
    const s = captureScript({
      dir: "/w/",
      name: "x",
      iface: "eth0",
      maxSeconds: 30,
      maxBytes: 1000,
      snaplen: 96,
      maxPackets: 5,
    });
    expect(s).toContain("'timeout' '-s' 'INT' '30' '/bin/sh'");
    expect(s).toContain("'-s' '96' '-c' '5' '-w' '/w/x.fifo'");
    expect(s).toContain("head -c 1000 < '/w/x.fifo' > '/w/x.pcap' &");
  });

  it("quotes a filter holding single quotes, and a folder holding spaces", () => {
    const s = captureScript({ dir: "/a b", name: "q", iface: "eth0", filter: "host 'a'" });
    expect(s).toContain(`'host '\\''a'\\'''`);
    expect(s).toContain("mkdir -p '/a b'");
  });
});

describe("capture options", () => {
  const ok = { iface: "lo", file: "/tmp/x.pcap" };

  it("default the name to the interface and the folder to /tmp/captures", () => {
    expect(checkOptions(ok)).toMatchObject({ name: "lo", workDir: "/tmp/captures", startTimeoutMs: 10_000 });
  });

  it.each([
    [{ ...ok, maxPackets: 0 }, "maxPackets must be a positive integer, not 0"],
    [{ ...ok, maxBytes: 1.5 }, "maxBytes must be a positive integer, not 1.5"],
    [{ ...ok, name: "../etc" }, "name '../etc' must be 1-64 of [A-Za-z0-9._-], not starting with ."],
    [
      { ...ok, iface: "-w" },
      "iface '-w' must be an interface name (1-64 of [A-Za-z0-9._-], not starting with -)",
    ],
    [{ ...ok, workDir: "rel" }, "workDir 'rel' must be an absolute path"],
    [{ ...ok, file: "" }, "file must be the local path of the pcap"],
  ])("refuse %o with BAD_OPTION naming the option", (o, message) => {
    expect(() => checkOptions(o)).toThrow(expect.objectContaining({ code: "BAD_OPTION", message }));
  });
});

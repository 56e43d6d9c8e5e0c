import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { captureScript, listeningScript, stopScript } from "./capture.js";

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

describe("the waits inside the node", () => {
  const dir = mkdtempSync(join(tmpdir(), "backside-capture-sh-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sh = (script: string) => spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", timeout: 10_000 });

  it("listening: exit 0 once tcpdump said so, 2 with its stderr when it exited first, 1 at the deadline", () => {
    const base = join(dir, "a");
    expect(sh(listeningScript(base, 100)).status).toBe(1);
    writeFileSync(`${base}.err`, "tcpdump: eth9: No such device exists\n");
    writeFileSync(`${base}.done`, "");
    const exited = sh(listeningScript(base, 2000));
    expect(exited.status).toBe(2);
    expect(exited.stdout).toMatch(/No such device/);
    writeFileSync(`${base}.err`, "listening on eth0, link-type EN10MB\n");
    expect(sh(listeningScript(base, 2000)).status).toBe(0);
  });

  it("stop: signals the pid, waits for the done mark and prints the summary; exit 1 when it never comes", async () => {
    const base = join(dir, "b");
    const sleeper = spawn("sleep", ["30"]);
    const ended = once(sleeper, "exit");
    writeFileSync(`${base}.pid`, String(sleeper.pid));
    writeFileSync(`${base}.err`, "3 packets captured\n");
    expect(sh(stopScript(base, 100)).status).toBe(1);
    expect((await ended)[1]).toBe("SIGINT");
    writeFileSync(`${base}.done`, "");
    const r = sh(stopScript(base));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/3 packets captured/);
  }, 20_000);
});

/**
 * Real tcpdump on this machine's loopback (root or CAP_NET_RAW), with real TCP connections to a
 * server of the test's own on 127.0.0.1; each file is read back with `tcpdump -r`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execTarget, localExec, localTarget, startCapture, type CaptureTarget } from "./index.js";
import { pollUntil } from "./poll.js";

const dir = mkdtempSync(join(tmpdir(), "tcpdump-wrapper-"));
const workDir = join(dir, "work");
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((s) => s.end("hello\n"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** One full connection to the server: SYN, data, FIN both ways. */
function exchange(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    s.on("data", () => undefined);
    s.on("end", () => s.end());
    s.on("close", () => resolve());
    s.on("error", reject);
  });
}

/** What tcpdump itself reads from a file, one line per packet (a cut file ends with a warning). */
function readBack(file: string): string[] {
  const r = spawnSync("tcpdump", ["-n", "-r", file], { encoding: "utf8", timeout: 10_000 });
  expect(r.stderr).toMatch(/^reading from file/);
  return r.stdout.split("\n").filter(Boolean);
}

const SYN = (p: number) => new RegExp(`127\\.0\\.0\\.1\\.\\d+ > 127\\.0\\.0\\.1\\.${p}: Flags \\[S\\]`);

describe.each<[string, () => CaptureTarget]>([
  ["local target", localTarget],
  ["a target given only an exec function", () => execTarget(localExec, { name: "exec-only" })],
])("tcpdump on lo through the %s", (_, makeTarget) => {
  const target = makeTarget();
  const tag = target.name;

  it("captures every packet the filter selects and nothing else; stop() flushes them to the file", async () => {
    const other = createServer((s) => s.end());
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const otherPort = (other.address() as { port: number }).port;
    try {
      const cap = await startCapture(target, {
        iface: "lo",
        name: `${tag}-filter`,
        workDir,
        filter: `tcp port ${port}`,
        bufferKiB: 8192,
        file: join(dir, `${tag}-filter.pcap`),
      });
      for (let i = 0; i < 3; i++) await exchange();
      await new Promise<void>((r) =>
        connect(otherPort, "127.0.0.1")
          .on("close", () => r())
          .on("data", () => undefined),
      );
      const r = await cap.stop();
      const lines = readBack(r.file);
      expect(
        lines.filter((l) => SYN(port).test(l)),
        lines.join("\n") + "\n" + r.stderr,
      ).toHaveLength(3);
      expect(lines.every((l) => l.includes(`.${port}`))).toBe(true);
      expect(r.packets).toBe(lines.length);
      expect(r.droppedByKernel).toBe(0);
      expect(r.bytes).toBe(readFileSync(r.file).length);
      // Its files on the target are removed once copied.
      expect(existsSync(join(workDir, `${tag}-filter.pcap`))).toBe(false);
    } finally {
      other.close();
    }
  });

  it("what the kernel holds for tcpdump when stop() is called is in the file (tcpdump not run meanwhile)", async () => {
    // A stopped tcpdump reads nothing: the packets wait in the kernel's ring, as they do for a
    // tcpdump the scheduler has not run yet on a loaded machine. It is let go in the same shell
    // as stop()'s first signal to it, so that signal finds it with the ring unread.
    let frozen = "";
    const thawing: CaptureTarget = {
      ...target,
      exec: (argv, o) => {
        const script = argv[2] ?? "";
        if (frozen && argv[0] === "/bin/sh" && /kill -(USR1|INT)/.test(script)) {
          const pid = frozen;
          frozen = "";
          return target.exec(["/bin/sh", "-c", `kill -CONT ${pid}\n${script}`], o);
        }
        return target.exec(argv, o);
      },
    };
    const cap = await startCapture(thawing, {
      iface: "lo",
      name: `${tag}-held`,
      workDir,
      bufferKiB: 8192,
      filter: `tcp port ${port}`,
      file: join(dir, `${tag}-held.pcap`),
    });
    frozen = readFileSync(join(workDir, `${tag}-held.tpid`), "utf8").trim();
    process.kill(Number(frozen), "SIGSTOP");
    for (let i = 0; i < 3; i++) await exchange();
    const r = await cap.stop();
    const lines = readBack(r.file);
    expect(lines.filter((l) => SYN(port).test(l))).toHaveLength(3);
    // Eight packets a connection, and the odd retransmission on a loaded machine.
    expect(lines.length).toBeGreaterThanOrEqual(24);
    expect(r.packets).toBe(lines.length);
  });

  it("maxPackets: tcpdump ends by itself after that many packets", async () => {
    const cap = await startCapture(target, {
      iface: "lo",
      name: `${tag}-count`,
      workDir,
      bufferKiB: 8192,
      filter: `tcp port ${port}`,
      maxPackets: 4,
      file: join(dir, `${tag}-count.pcap`),
    });
    for (let i = 0; i < 3; i++) await exchange();
    await pollUntil(() => cap.ended(), "tcpdump to end after 4 packets", 10_000);
    const r = await cap.stop();
    expect(r.packets).toBe(4);
    expect(readBack(r.file)).toHaveLength(4);
  });

  it("maxBytes: the file is cut at exactly that size and still reads as a capture", async () => {
    const cap = await startCapture(target, {
      iface: "lo",
      name: `${tag}-bytes`,
      workDir,
      bufferKiB: 8192,
      filter: `tcp port ${port}`,
      maxBytes: 600,
      file: join(dir, `${tag}-bytes.pcap`),
    });
    for (let i = 0; i < 5; i++) await exchange();
    const r = await cap.stop();
    expect(r.bytes).toBe(600);
    expect(readFileSync(r.file).readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(readBack(r.file).filter((l) => SYN(port).test(l)).length).toBeGreaterThan(0);
  });

  it("maxSeconds: tcpdump ends by itself; stop() afterwards still gives the file", async () => {
    const t0 = Date.now();
    await using cap = await startCapture(target, {
      iface: "lo",
      name: `${tag}-seconds`,
      workDir,
      bufferKiB: 8192,
      filter: `tcp port ${port}`,
      maxSeconds: 1,
      file: join(dir, `${tag}-seconds.pcap`),
    });
    await exchange();
    await pollUntil(() => cap.ended(), "tcpdump to end after 1 s", 10_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const r = await cap.stop();
    expect(r.exitCode).toBe(124);
    expect(readBack(r.file).filter((l) => SYN(port).test(l))).toHaveLength(1);
  });

  it("an interface that does not exist fails fast with START_FAILED and tcpdump's words", async () => {
    const t0 = Date.now();
    await expect(
      startCapture(target, { iface: "nosuch0", name: `${tag}-nosuch`, workDir, file: join(dir, "x.pcap") }),
    ).rejects.toMatchObject({
      code: "START_FAILED",
      message: expect.stringMatching(/nosuch0.*(No such device|doesn't exist)/),
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(existsSync(join(workDir, `${tag}-nosuch.err`))).toBe(false);
  });

  it("a filter tcpdump cannot compile fails with START_FAILED naming the problem", async () => {
    await expect(
      startCapture(target, {
        iface: "lo",
        name: `${tag}-badf`,
        workDir,
        filter: "tcp port",
        file: join(dir, "y.pcap"),
      }),
    ).rejects.toMatchObject({ code: "START_FAILED", message: expect.stringContaining("syntax error") });
  });
});

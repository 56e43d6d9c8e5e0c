import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diagnoseRealToolsCase, readRealToolsManifest } from "./fixtures/real-tools.js";

// test/real-tools/make.sh on this machine, for a few cases that touch each of its parts (nginx,
// openssl s_server, dnsmasq, both unbounds, Python sockets, nftables rules on the router): the
// captures it writes now must say what the committed manifest says. Needs root (namespaces).
const MAKE = resolve(import.meta.dirname, "../../../test/real-tools/make.sh");
const CASES = [
  "healthy-https13-python",
  "dns-nxdomain-wget",
  "dns-servfail-python",
  "dns-refused-curl",
  "tcp-refused-nft-reset-curl",
  "tcp-rejected-icmp-admin-python",
  "backend-reset-wget",
  "backend-closed-nginx444-curl",
];
const isRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), "real-tools-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ourNamespaces = () =>
  spawnSync("ip", ["netns", "list"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((l) => /^bsrt\d+-/.test(l));

function make(env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  return new Promise((done) => {
    const p = spawn("bash", [MAKE, dir], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const kill = setTimeout(() => p.kill("SIGTERM"), 150_000);
    p.on("exit", (code) => {
      clearTimeout(kill);
      done({ code, err });
    });
  });
}

describe.skipIf(!isRoot)("test/real-tools/make.sh", () => {
  it("makes captures that show what the committed manifest says, and leaves no namespace behind", async () => {
    const before = ourNamespaces();
    const r = await make({ RT_CASES: CASES.join(" ") });
    expect(r.code, r.err).toBe(0);
    expect(ourNamespaces()).toEqual(before);
    const committed = new Map(readRealToolsManifest().map((c) => [c.case, c]));
    const made = readRealToolsManifest(dir);
    expect(made.map((c) => c.case).sort()).toEqual([...CASES].sort());
    for (const c of made) {
      expect(c.label, c.case).toBe(committed.get(c.case)?.label);
      expect((await diagnoseRealToolsCase(c, dir)).cause, `${c.case}: ${c.clientSaid}`).toBe(c.label);
    }
  });

  it("stopped with SIGINT, removes its namespaces and exits 130", async () => {
    const before = ourNamespaces();
    const p = spawn("bash", [MAKE, dir], {
      env: { ...process.env, RT_CASES: "none" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (b: Buffer) => (err += b.toString()));
    // Interrupt while it builds: as soon as its namespaces exist.
    const deadline = Date.now() + 60_000;
    while (ourNamespaces().length <= before.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    p.kill("SIGINT");
    const code = await new Promise<number | null>((done) =>
      p.on("exit", (c, s) => done(c ?? (s ? 128 : null))),
    );
    expect(code, err).toBe(130);
    expect(ourNamespaces()).toEqual(before);
  });
});

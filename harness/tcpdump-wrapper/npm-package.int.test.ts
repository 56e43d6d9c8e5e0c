/**
 * The package on its own, as a user gets it: `npm pack` of this folder (which compiles it), run
 * in a copy of the folder, installed from the tarball into an empty folder, then a program there
 * that imports it, captures real connections on lo with real tcpdump, and a TypeScript file
 * checked against its types. Nothing else of the repository is installed. Needs root (or CAP_NET_RAW) and tcpdump.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HERE = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "tcpdump-wrapper-pkg-"));
const app = join(work, "app");
afterAll(() => rmSync(work, { recursive: true, force: true }));

let files: string[] = [];

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, CI: "true" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // The folder as npm packs it, in a copy: its prepack build then writes the copy's dist/, never
  // the repository's, which the root package's build (and its own tarball test) may be writing.
  const src = join(work, "tcpdump-wrapper");
  cpSync(HERE, src, { recursive: true, filter: (f) => !/\/(dist|node_modules)$/.test(f) });
  symlinkSync(join(HERE, "../../node_modules"), join(src, "node_modules"));
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: src,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  const packed = JSON.parse(out.slice(out.search(/^\[$/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0].files.map((f) => f.path);
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  // No dependencies to fetch: offline, so the test needs no registry.
  const r = sh(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", join(work, packed[0].filename)],
    app,
  );
  if (r.code !== 0)
    throw new Error(`npm install of the tarball failed: ${r.err.split("\n").slice(-5).join(" ")}`);
}, 200_000);

describe("the tcpdump-wrapper package", { timeout: 60_000 }, () => {
  it("holds the compiled code, its types and the README, no sources or tests", () => {
    for (const f of [
      "package.json",
      "README.md",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/start-capture.js",
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.startsWith("src/") || f.includes(".test."))).toEqual([]);
    const { dependencies } = JSON.parse(
      readFileSync(join(app, "node_modules/tcpdump-wrapper/package.json"), "utf8"),
    );
    expect(dependencies).toBeUndefined();
  });

  it("installed alone, captures real connections on lo that tcpdump -r reads back", () => {
    const pcap = join(work, "lo.pcap");
    const program = `
      import { createServer, connect } from "node:net";
      import { startCapture, localTarget } from "tcpdump-wrapper";
      const server = createServer((s) => s.end("hi\\n"));
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const port = server.address().port;
      const cap = await startCapture(localTarget(), {
        iface: "lo", filter: "tcp port " + port, bufferKiB: 8192, name: "pkg-test",
        workDir: ${JSON.stringify(join(work, "captures"))}, file: ${JSON.stringify(pcap)},
      });
      let result;
      try {
        for (let i = 0; i < 2; i++)
          await new Promise((r) => connect(port, "127.0.0.1").on("data", () => {}).on("close", r));
      } finally {
        result = await cap.stop();
      }
      server.close();
      console.log(JSON.stringify({ port, packets: result.packets, bytes: result.bytes }));
    `;
    writeFileSync(join(app, "use.mjs"), program);
    const r = sh(process.execPath, ["use.mjs"], app);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const { port, packets, bytes } = JSON.parse(r.out) as { port: number; packets: number; bytes: number };
    expect(bytes).toBe(readFileSync(pcap).length);
    const read = sh("tcpdump", ["-n", "-r", pcap], work);
    const lines = read.out.split("\n").filter(Boolean);
    expect(lines).toHaveLength(packets);
    expect(
      lines.filter((l) => new RegExp(`> 127\\.0\\.0\\.1\\.${port}: Flags \\[S\\]`).test(l)),
    ).toHaveLength(2);
  });

  it("its types check a TypeScript user's code, and catch a wrong option", () => {
    writeFileSync(
      join(app, "use.ts"),
      [
        'import { startCapture, localTarget, type CaptureResult } from "tcpdump-wrapper";',
        'const cap = await startCapture(localTarget(), { iface: "lo", file: "/tmp/x.pcap", maxPackets: 1 });',
        "const r: CaptureResult = await cap.stop();",
        "export const n: number = r.bytes;",
      ].join("\n"),
    );
    writeFileSync(
      join(app, "bad.ts"),
      'import { startCapture, localTarget } from "tcpdump-wrapper";\nawait startCapture(localTarget(), { iface: "lo" });\nexport {};\n',
    );
    // One compiler run over both files: the right one adds no error, the wrong one exactly one.
    const types = join(createRequire(import.meta.url).resolve("@types/node/package.json"), "../..");
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const r = sh(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
      ].concat(["--target", "es2022", "--types", "node", "--typeRoots", types, "use.ts", "bad.ts"]),
      app,
    );
    const errors = r.out.split("\n").filter((l) => /error TS/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.ts\(2,/);
    expect(r.out).toContain("Property 'file' is missing");
  });
});

/**
 * The package as a user gets it: `npm pack` (which builds dist/), installed from the tarball into
 * an empty folder from the npm registry, then `npx backside` and `import "backside"` there. No
 * TypeScript and no tsx at run time. Needs the registry (or a warm npm cache), not Docker.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const RUN = join(ROOT, "harness/src/engine/fixtures/runs/net-wrong-route");
const work = mkdtempSync(join(tmpdir(), "backside-pkg-"));
const app = join(work, "app");
afterAll(() => rmSync(work, { recursive: true, force: true }));

let tarball = "";
let files: string[] = [];

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, CI: "true" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // `npm pack` builds first (prepack); its progress may share stdout with the JSON.
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 400_000,
  });
  const packed = JSON.parse(out.slice(out.search(/^\[$/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, packed[0].filename);
  files = packed[0].files.map((f) => f.path);
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const r = sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], app);
  if (r.code !== 0)
    throw new Error(`npm install of the tarball failed: ${r.err.split("\n").slice(-5).join(" ")}`);
}, 700_000);

describe("the npm package", { timeout: 120_000 }, () => {
  it("holds the compiled library and CLI, the images' build context and the scenarios, not the sources", () => {
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli/main.js",
      "dist/.build-stamp",
      "harness/bin/backside.js",
      "images/gateway/Dockerfile",
      "images/gateway/build/gateway.mjs",
      "images/common/entry.sh",
      "scenarios/dns-nxdomain.yaml",
      // The capture package (a workspace) travels inside the tarball: it is not on the registry.
      "node_modules/tcpdump-wrapper/package.json",
      "node_modules/tcpdump-wrapper/dist/index.js",
    ])
      expect(files, f).toContain(f);
    expect(
      files.filter((f) =>
        f.startsWith("harness/") ? f !== "harness/bin/backside.js" : f.endsWith(".test.js"),
      ),
    ).toEqual([]);
    expect(
      files.filter((f) => f.startsWith("node_modules/") && !f.startsWith("node_modules/tcpdump-wrapper/")),
    ).toEqual([]);
  });

  it("npx backside --version prints the package version, without tsx installed", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(sh("npx", ["backside", "--version"], app)).toMatchObject({ code: 0, out: `${version}\n` });
    expect(existsSync(join(app, "node_modules/tsx"))).toBe(false);
  });

  it("npx backside list shows the packaged catalogue", () => {
    const r = sh("npx", ["backside", "list"], app);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dns-nxdomain +dns\.nxdomain/m);
    expect(r.out).toMatch(/\n\d+ scenarios covering \d+ labels\n$/);
  });

  it("npx backside diagnose names the cause of a recorded run", () => {
    const r = sh("npx", ["backside", "diagnose", "--bundle", RUN, "--json"], app);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).cause).toBe("net.wrong-route");
  });

  it('import "backside" gives runScenario, diagnose and loadScenario', () => {
    const script = [
      'import { runScenario, diagnose, loadScenario } from "backside";',
      `const s = loadScenario(${JSON.stringify(join(ROOT, "scenarios/dns-nxdomain.yaml"))});`,
      `const d = await diagnose({ pcaps: [{ path: ${JSON.stringify(join(RUN, "gateway-mid.pcap"))} }] });`,
      "console.log(typeof runScenario, s.expect, typeof d.cause);",
    ].join("\n");
    writeFileSync(join(app, "use.mjs"), script);
    expect(sh(process.execPath, ["use.mjs"], app)).toMatchObject({
      code: 0,
      out: "function dns.nxdomain string\n",
    });
  });
});

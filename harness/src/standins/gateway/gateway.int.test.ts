import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseErrorReport } from "../../appliance/error-report.js";
import { buildImages } from "../../images/build-images.js";
import { imageRef } from "../../images/catalog.js";
import { connectDocker } from "../../images/docker-client.js";
import { repoRoot } from "../../images/repo-root.js";
import { dockerExec } from "../../topology/docker-exec.js";

// The gateway image in a container with no network at all (`--network none`): every packet
// stays on the container's own loopback. The backend is a closed port there, so the connect
// is refused; the management API is reached with `docker exec curl` on 127.0.0.1.
const run = `gateway-int-${randomBytes(4).toString("hex")}`;
let docker: Docker;
let gw: Docker.Container;

const config = {
  service: { backendUrl: "http://backend.test:9/", backTimeout: 2, connectTimeout: 1 },
  dns: { staticHosts: [{ hostname: "backend.test", address: "127.0.0.1" }] },
  log: { level: "debug", stdout: false },
};

async function curl(args: string[]): Promise<string> {
  const r = await dockerExec(gw, ["curl", "-sS", "--max-time", "10", ...args], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) throw new Error(`curl ${args.join(" ")}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

const mgmt = (path: string) => `http://127.0.0.1:5554${path}`;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  docker = await connectDocker();
  const outcomes = await buildImages(docker, {
    only: ["base", "gateway"],
    root: repoRoot(),
    log: { info: () => {} },
  });
  const failed = outcomes.filter((o) => o.status === "failed");
  if (failed.length > 0) throw new Error(`images did not build: ${failed.map((f) => f.name).join(", ")}`);
  gw = await docker.createContainer({
    Image: imageRef("gateway"),
    Env: [`BACKSIDE_CONFIG=${JSON.stringify(config)}`],
    Labels: { "backside.project": "backside", "backside.run": run, "backside.node": "gateway" },
    HostConfig: { NetworkMode: "none", CapAdd: ["NET_ADMIN", "NET_RAW"] },
  });
  await gw.start();
  await until("management API up", async () =>
    JSON.parse(await curl([mgmt("/mgmt/status")])).service === "TEST_MPGW" ? true : undefined,
  );
});

afterAll(async () => {
  await gw?.remove({ force: true }).catch(() => {});
});

describe("gateway container", () => {
  it("captures the refused SYN through the management API and attaches it to the error report", async () => {
    const started = JSON.parse(
      await curl([
        "-X",
        "POST",
        "-d",
        JSON.stringify({ interface: "lo", filter: "tcp port 9", durationSeconds: 30, maxKB: 100 }),
        mgmt("/mgmt/capture"),
      ]),
    );
    expect(started).toMatchObject({ running: true, interface: "lo" });
    // tcpdump needs a moment to open the interface; the pcap header is written when it has.
    await until("capture file written", async () =>
      JSON.parse(await curl([mgmt("/mgmt/capture")])).bytes >= 24 ? true : undefined,
    );
    const front = await curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:8080/x"]);
    expect(front).toBe("500");
    await until("SYN and RST captured", async () =>
      JSON.parse(await curl([mgmt("/mgmt/capture")])).bytes > 24 + 2 * 40 ? true : undefined,
    );
    const stopped = JSON.parse(await curl(["-X", "POST", mgmt("/mgmt/capture/stop")]));
    expect(stopped).toMatchObject({ running: false, stopReason: "stopped by request" });
    const read = await dockerExec(gw, ["tcpdump", "-n", "-r", stopped.file], { timeoutMs: 10_000 });
    expect(read.stdout).toMatch(/127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.9: Flags \[S\]/);
    expect(read.stdout).toMatch(/127\.0\.0\.1\.9 > 127\.0\.0\.1\.\d+: Flags \[R\.\]/);

    expect(
      JSON.parse(await curl(["-X", "POST", "-d", '{"ErrorReport":{}}', mgmt("/mgmt/actionqueue/default")])),
    ).toMatchObject({ ErrorReport: "Operation completed." });
    const report = parseErrorReport(await curl([mgmt("/mgmt/error-report")]));
    expect(report.problems).toEqual([]);
    expect(report.platform.platform).toBe("docker");
    expect(Array.from(report.pcap!.subarray(0, 4))).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    expect(report.interfaces.map((i) => i.name)).toEqual(["lo"]);
    expect(report.dns?.staticHosts).toEqual([{ hostname: "backend.test", address: "127.0.0.1" }]);
    expect(report.log.entries.map((e) => e.code)).toEqual(
      expect.arrayContaining(["0x80e00126", "0x01130006"]),
    );
    expect(report.log.entries.map((e) => e.message)).toContain(
      "Connection refused by 127.0.0.1:9 (ECONNREFUSED)",
    );
  });

  it("starts a background capture with the gateway when configured, and the report carries it", async () => {
    const c = await docker.createContainer({
      Image: imageRef("gateway"),
      Env: [`BACKSIDE_CONFIG=${JSON.stringify({ ...config, capture: { background: { interface: "lo" } } })}`],
      Labels: { "backside.project": "backside", "backside.run": run, "backside.node": "gateway-bg" },
      HostConfig: { NetworkMode: "none", CapAdd: ["NET_ADMIN", "NET_RAW"] },
    });
    try {
      await c.start();
      const exec = async (args: string[]) =>
        (await dockerExec(c, ["curl", "-sS", "--max-time", "10", ...args], { timeoutMs: 15_000 })).stdout;
      const status = await until("background capture running", async () => {
        const s = JSON.parse(await exec([mgmt("/mgmt/capture")]));
        return s.running && s.bytes >= 24 ? s : undefined;
      });
      expect(status).toMatchObject({ interface: "lo", filter: "not port 5554" });
      expect(await exec(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:8080/"])).toBe("500");
      await until("SYN captured", async () =>
        JSON.parse(await exec([mgmt("/mgmt/capture")])).bytes > 24 + 2 * 40 ? true : undefined,
      );
      await exec(["-X", "POST", mgmt("/mgmt/error-report")]);
      const report = parseErrorReport(await exec([mgmt("/mgmt/error-report")]));
      expect(report.pcap!.length).toBeGreaterThan(24 + 2 * 40);
    } finally {
      await c.remove({ force: true }).catch(() => {});
    }
  });

  it("refuses a second capture while one runs and bounds it by its duration", async () => {
    await curl([
      "-X",
      "POST",
      "-d",
      // The test's own polls of the management API cross lo too: leave them out, or they
      // can fill the 10 KB before the duration ends on a slow machine.
      JSON.stringify({ interface: "lo", filter: "not tcp port 5554", durationSeconds: 6, maxKB: 10 }),
      mgmt("/mgmt/capture"),
    ]);
    const second = await dockerExec(gw, [
      "curl",
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-X",
      "POST",
      "-d",
      "{}",
      mgmt("/mgmt/capture"),
    ]);
    expect(second.stdout).toBe("409");
    const done = await until("capture stopped by its duration", async () => {
      const s = JSON.parse(await curl([mgmt("/mgmt/capture")]));
      return s.running ? undefined : s;
    });
    expect(done.stopReason).toBe("duration reached");
  });
});

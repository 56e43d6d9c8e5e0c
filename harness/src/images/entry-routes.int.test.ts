import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDocker, inspectImage } from "./docker-client.js";
import { imageRef, IMAGE_NAMES, type ImageName } from "./catalog.js";
import { buildImages } from "./build-images.js";
import { repoRoot } from "./repo-root.js";

// Real containers of the role images on a bridge network of our own; everything created here
// carries this run's labels and is removed in afterAll. Routes are only table entries: no
// packet is sent anywhere.
const run = `images-int-${randomBytes(4).toString("hex")}`;
const labels = { "backside.project": "backside", "backside.run": run };
let docker: Docker;
let network: Docker.Network;
let prefix: string; // first three octets of the network Docker gave us
const containers: Docker.Container[] = [];

beforeAll(async () => {
  docker = await connectDocker();
  // Builds what is missing (a cached rebuild takes about a second); the roles these tests run
  // have no stand-in program, so they build even while stand-ins are being written.
  const outcomes = await buildImages(docker, {
    only: ["base", "firewall", "client"],
    root: repoRoot(),
    log: { info: () => {} },
  });
  const failed = outcomes.filter((o) => o.status === "failed");
  if (failed.length > 0) throw new Error(`images did not build: ${failed.map((f) => f.name).join(", ")}`);
  network = await docker.createNetwork({
    Name: `${run}-net`,
    Driver: "bridge",
    Labels: labels,
    Options: { "com.docker.network.bridge.enable_ip_masquerade": "false" },
  });
  const info = await network.inspect();
  const subnet = info.IPAM?.Config?.[0]?.Subnet;
  if (!subnet) throw new Error(`network ${run}-net has no IPv4 subnet`);
  prefix = subnet.split(".").slice(0, 3).join(".");
});

afterAll(async () => {
  for (const c of containers) await c.remove({ force: true }).catch(() => {});
  await network?.remove().catch(() => {});
});

async function start(
  image: ImageName,
  env: string[],
  opts: { netAdmin: boolean; cmd?: string[] },
): Promise<Docker.Container> {
  const c = await docker.createContainer({
    Image: imageRef(image),
    Env: env,
    Cmd: opts.cmd,
    Labels: { ...labels, "backside.node": image },
    HostConfig: { NetworkMode: `${run}-net`, CapAdd: opts.netAdmin ? ["NET_ADMIN"] : [], CapDrop: [] },
  });
  containers.push(c);
  await c.start();
  return c;
}

/** Output of a finished or running container, stdout and stderr merged. */
async function logs(c: Docker.Container): Promise<string> {
  const buf = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return demux(buf);
}

// Docker multiplexes non-TTY output in frames: 8-byte header (stream, 0, 0, 0, size BE32).
function demux(buf: Buffer): string {
  let out = "";
  for (let i = 0; i + 8 <= buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString("utf8");
    i += 8 + size;
  }
  return out;
}

async function exec(c: Docker.Container, cmd: string[]): Promise<{ code: number; out: string }> {
  const e = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  let out = "";
  sink.on("data", (d: Buffer) => (out += d.toString()));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve, reject) => stream.on("end", resolve).on("error", reject));
  const code = (await e.inspect()).ExitCode ?? -1;
  return { code, out };
}

/** Polls until `ok` holds or the deadline passes (never a fixed sleep). */
async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

describe("entry.sh routes", () => {
  it("replaces Docker's default route with the ones in BACKSIDE_ROUTES", async () => {
    const routes = `default via ${prefix}.254; 198.51.100.0/24 via ${prefix}.253`;
    const c = await start("firewall", [`BACKSIDE_ROUTES=${routes}`], { netAdmin: true });
    await until(
      "routes applied",
      () => logs(c),
      (l) => l.includes("entry: routes applied"),
    );
    const r = await exec(c, ["ip", "-4", "route", "show"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`default via ${prefix}.254 dev eth0`);
    expect(r.out).toContain(`198.51.100.0/24 via ${prefix}.253 dev eth0`);
    expect(r.out).not.toContain(`default via ${prefix}.1 `);
    expect(r.out.match(/^default/gm)).toHaveLength(1);
    expect((await c.inspect()).State.Running).toBe(true);
    // No program: entry.sh exec'd sleep, so it is PID 1 and gets `docker stop`'s signal.
    expect((await exec(c, ["cat", "/proc/1/cmdline"])).out).toBe("sleep\0infinity\0");
  });

  it("leaves no default route at all when BACKSIDE_ROUTES is set but empty", async () => {
    const c = await start("firewall", ["BACKSIDE_ROUTES="], { netAdmin: true });
    await until(
      "routes applied",
      () => logs(c),
      (l) => l.includes("entry: routes applied"),
    );
    const r = await exec(c, ["ip", "-4", "route", "show", "default"]);
    expect(r).toEqual({ code: 0, out: "" });
  });

  it("keeps Docker's routes when BACKSIDE_ROUTES is unset (the client has no NET_ADMIN)", async () => {
    const c = await start("client", [], { netAdmin: false });
    const r = await until(
      "client running",
      () => exec(c, ["ip", "-4", "route", "show", "default"]),
      (x) => x.code === 0,
    );
    expect(r.out).toContain(`default via ${prefix}.1`);
  });

  it("stops the container with exit 64 and one line naming a route that cannot be applied", async () => {
    const c = await start(
      "firewall",
      [`BACKSIDE_ROUTES=default via ${prefix}.254; default via 203.0.113.1`],
      { netAdmin: true },
    );
    const state = await until(
      "container exit",
      async () => (await c.inspect()).State,
      (s) => !s.Running && s.Status === "exited",
    );
    expect(state.ExitCode).toBe(64);
    expect(await logs(c)).toContain(
      "entry: route 'default via 203.0.113.1' from BACKSIDE_ROUTES failed: Error: Nexthop has invalid gateway",
    );
  });

  it("says NET_ADMIN is missing when it cannot delete the default route", async () => {
    const c = await start("client", ["BACKSIDE_ROUTES="], { netAdmin: false });
    const state = await until(
      "container exit",
      async () => (await c.inspect()).State,
      (s) => !s.Running && s.Status === "exited",
    );
    expect(state.ExitCode).toBe(64);
    expect(await logs(c)).toMatch(/entry: cannot delete the default route \(-4\): .*needs NET_ADMIN/);
  });
});

describe("image contents", () => {
  // Every image, including roles whose stand-in is built elsewhere: `npm run setup` builds them
  // all, and a missing one is a real failure of the environment.
  for (const name of IMAGE_NAMES) {
    it(`${imageRef(name)} has nft, tcpdump, ip, node and curl`, async () => {
      if (!(await inspectImage(docker, imageRef(name))))
        throw new Error(`${imageRef(name)} is not built: run npm run setup (or backside images build)`);
      const c = await start(name, [], {
        netAdmin: false,
        cmd: [
          "sh",
          "-c",
          "for t in nft tcpdump ip node curl; do command -v $t || exit 1; done; node -e 'console.log(process.version)'",
        ],
      });
      const state = await until(
        `${name} one-off exit`,
        async () => (await c.inspect()).State,
        (s) => s.Status === "exited",
      );
      const out = await logs(c);
      expect(state.ExitCode, out).toBe(0);
      expect(out).toContain("/usr/sbin/nft");
      expect(out).toContain("/usr/bin/tcpdump");
      expect(out).toContain("/usr/sbin/ip");
      expect(out).toMatch(/\/usr\/local\/bin\/node\n.*\nv\d+\.\d+\.\d+/s);
    });
  }
});

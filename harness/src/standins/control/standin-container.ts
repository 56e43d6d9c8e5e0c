import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BacksideError } from "../../errors.js";
import { pollUntil, withTimeout } from "../../util/poll-until.js";
import { GenericContainer, Wait, type StartedTestContainer } from "../../util/testcontainers.js";

/**
 * For the stand-ins' container tests: the current source of a stand-in bundled like
 * scripts/bundle-standins.mjs does, run in a labelled container with no network but its own
 * loopback (`--network none`), so every packet of the test stays inside it. Not the topology:
 * that is harness/src/topology's job.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

export interface StandinContainer extends AsyncDisposable {
  readonly id: string;
  /** `docker exec` in the container; rejects on a non-zero exit unless `allowFail`. */
  exec(
    argv: string[],
    opts?: { allowFail?: boolean; timeoutMs?: number },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  logs(): Promise<string>;
  /** Starts tcpdump on lo inside the container; `stop()` ends it with SIGINT and returns the pcap path here. */
  capture(filter: string): Promise<{ stop(): Promise<string> }>;
  remove(): Promise<void>;
}

export function docker(
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("docker", args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === "number"
          ? (err as { code: number }).code
          : -1
        : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function imageExists(image: string): Promise<boolean> {
  return (await docker(["image", "inspect", image], 10_000)).code === 0;
}

export async function startStandinContainer(o: {
  role: "dns" | "backend";
  image: string;
  runId: string;
  config: unknown;
  /** A line the program prints once ready (a JSON log event). */
  readyMarker: string;
}): Promise<StandinContainer> {
  const dir = await mkdtemp(join(tmpdir(), `backside-${o.role}-`));
  await build({
    entryPoints: [join(ROOT, "harness/src/standins", o.role, "main.ts")],
    outfile: join(dir, `${o.role}.mjs`),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: {
      js: 'import { createRequire as __r } from "node:module";\nconst require = __r(import.meta.url);',
    },
    logLevel: "silent",
  });
  const name = `backside-${o.runId}-${o.role}`;
  let started: StartedTestContainer;
  try {
    // testcontainers owns this container's lifecycle: a failed start (or a ready line that
    // never comes) removes it before the error reaches us.
    started = await new GenericContainer(o.image)
      .withName(name)
      .withNetworkMode("none")
      .withLabels({ "backside.project": "backside", "backside.run": o.runId, "backside.node": o.role })
      .withAddedCapabilities("NET_ADMIN", "NET_RAW")
      .withBindMounts([{ source: dir, target: "/opt/test", mode: "ro" }])
      .withEnvironment({ BACKSIDE_CONFIG: JSON.stringify(o.config) })
      .withCommand(["node", `/opt/test/${o.role}.mjs`])
      .withWaitStrategy(Wait.forLogMessage(o.readyMarker))
      .withStartupTimeout(20_000)
      .start();
  } catch (e) {
    await docker(["rm", "-f", name], 30_000);
    await rm(dir, { recursive: true, force: true });
    throw new BacksideError(
      "RUNTIME",
      `${o.role} stand-in did not start: ${String((e as Error).message ?? e).slice(-500)}`,
      {
        cause: e,
      },
    );
  }
  const id = started.getId();
  const remove = async () => {
    await started.stop({ timeout: 1_000, remove: true }).catch(() => docker(["rm", "-f", name], 30_000));
    await rm(dir, { recursive: true, force: true });
  };
  const exec: StandinContainer["exec"] = async (argv, opts = {}) => {
    const r = await withTimeout(started.exec(argv), opts.timeoutMs ?? 30_000, `exec ${argv[0]}`);
    const out = { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    if (out.code !== 0 && !opts.allowFail)
      throw new BacksideError(
        "RUNTIME",
        `docker exec ${argv.join(" ")}: exit ${out.code} ${out.stderr.trim()}`,
      );
    return out;
  };
  const logs = async () => {
    const r = await docker(["logs", name], 10_000);
    return r.stdout + r.stderr;
  };
  let n = 0;
  const capture = async (filter: string) => {
    const file = `/tmp/cap${++n}.pcap`;
    const pid = `/tmp/cap${n}.pid`;
    // --immediate-mode: without it, packets still in the last TPACKET_V3 block are lost at SIGINT.
    const started = await docker([
      "exec",
      "-d",
      name,
      "sh",
      "-c",
      `echo $$ > ${pid}; exec tcpdump -i lo -n -U --immediate-mode -w ${file} ${filter} >/tmp/cap${n}.log 2>&1`,
    ]);
    if (started.code !== 0)
      throw new BacksideError("RUNTIME", `tcpdump did not start: ${started.stderr.trim()}`);
    await pollUntil(
      async () =>
        (await exec(["cat", `/tmp/cap${n}.log`], { allowFail: true })).stdout.includes("listening on"),
      { what: "tcpdump listening", timeoutMs: 10_000 },
    );
    return {
      stop: async () => {
        await exec(["sh", "-c", `kill -INT $(cat ${pid})`]);
        await pollUntil(
          async () =>
            (await exec(["cat", `/tmp/cap${n}.log`], { allowFail: true })).stdout.includes(
              "packets captured",
            ),
          { what: "tcpdump stopped", timeoutMs: 10_000 },
        );
        const out = join(dir, `cap${n}.pcap`);
        const cp = await docker(["cp", `${name}:${file}`, out]);
        if (cp.code !== 0) throw new BacksideError("RUNTIME", `docker cp ${file}: ${cp.stderr.trim()}`);
        return out;
      },
    };
  };
  return { id, exec, logs, capture, remove, [Symbol.asyncDispose]: remove };
}

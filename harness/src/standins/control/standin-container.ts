import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BacksideError } from "../../errors.js";
import { pollUntil } from "../../util/poll-until.js";

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
  const run = await docker([
    "run",
    "-d",
    "--name",
    name,
    "--network",
    "none",
    "--label",
    "backside.project=backside",
    "--label",
    `backside.run=${o.runId}`,
    "--label",
    `backside.node=${o.role}`,
    "--cap-add",
    "NET_ADMIN",
    "--cap-add",
    "NET_RAW",
    "-v",
    `${dir}:/opt/test:ro`,
    "-e",
    `BACKSIDE_CONFIG=${JSON.stringify(o.config)}`,
    o.image,
    "node",
    `/opt/test/${o.role}.mjs`,
  ]);
  const id = run.stdout.trim();
  const remove = async () => {
    await docker(["rm", "-f", name], 30_000);
    await rm(dir, { recursive: true, force: true });
  };
  if (run.code !== 0) {
    await remove();
    throw new BacksideError("RUNTIME", `docker run ${o.image}: ${run.stderr.trim()}`);
  }
  const exec: StandinContainer["exec"] = async (argv, opts = {}) => {
    const r = await docker(["exec", name, ...argv], opts.timeoutMs ?? 30_000);
    if (r.code !== 0 && !opts.allowFail)
      throw new BacksideError("RUNTIME", `docker exec ${argv.join(" ")}: exit ${r.code} ${r.stderr.trim()}`);
    return r;
  };
  const logs = async () => {
    const r = await docker(["logs", name], 10_000);
    return r.stdout + r.stderr;
  };
  try {
    await pollUntil(async () => (await logs()).includes(o.readyMarker), {
      what: `${o.role} stand-in ready`,
      timeoutMs: 15_000,
    });
  } catch (e) {
    const l = await logs();
    await remove();
    throw new BacksideError("RUNTIME", `${o.role} stand-in did not start: ${l.slice(-500)}`, { cause: e });
  }
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

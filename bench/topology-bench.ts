/**
 * Bring-up and teardown times of the default topology (median of N runs).
 * Usage: npx tsx bench/topology-bench.ts [--runs 5] [--base]
 * `--base` uses backside/base:latest for every node (no role programs), which isolates the
 * runtime's own cost from the stand-ins' start-up.
 */
import { Topology } from "../harness/src/topology/index.js";
import { CleanupRegistry } from "../harness/src/util/cleanup-registry.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsArg = args.indexOf("--runs");
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
  const base = args.includes("--base");
  const registry = new CleanupRegistry();
  registry.installSignalHandlers();
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = new Topology({
      name: "bench",
      registry,
      defaultImage: base ? "backside/base:latest" : undefined,
    });
    const t0 = performance.now();
    const started = await t.start();
    const t1 = performance.now();
    await started.stop();
    const t2 = performance.now();
    up.push(t1 - t0);
    down.push(t2 - t1);
    process.stdout.write(
      `run ${i + 1}: slot ${started.slot} up ${(t1 - t0).toFixed(0)} ms (${JSON.stringify(started.timings)}), down ${(t2 - t1).toFixed(0)} ms\n`,
    );
  }
  process.stdout.write(
    `median of ${runs} (${base ? "base image" : "role images"}): bring-up ${median(up).toFixed(0)} ms, teardown ${median(down).toFixed(0)} ms\n`,
  );
  registry.uninstallSignalHandlers();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

/**
 * What one command in a node costs: a docker exec of its own against the node's exec channel
 * (harness/src/topology/exec-channel.ts), on the same container, in turns:
 *
 *   npx tsx bench/exec-bench.ts [--runs 40]
 *
 * The container is the base image with no network at all; it is removed at the end. Prints the
 * median and the slowest of each, and the ratio of the medians.
 */
import Docker from "dockerode";
import { dockerExec } from "../harness/src/topology/docker-exec.js";
import { ExecChannel } from "../harness/src/topology/exec-channel.js";
import { BASE_IMAGE } from "../harness/src/topology/testing/minimal-nodes.js";
import { LABEL } from "../harness/src/topology/labels.js";
import { newRunId } from "../harness/src/util/run-id.js";

const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt > 0 ? Math.max(1, Math.min(1000, Number(process.argv[runsAt + 1]) || 40)) : 40;
const CMD = ["sh", "-c", "echo out; echo err >&2; exit 3"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

const docker = new Docker();
const c = await docker.createContainer({
  Image: BASE_IMAGE,
  Entrypoint: ["/bin/sleep", "600"],
  Labels: { [LABEL.project]: "backside", [LABEL.run]: newRunId("bench") },
  HostConfig: { NetworkMode: "none", Init: true },
});
try {
  await c.start();
  const opened = performance.now();
  const ch = await ExecChannel.start(c);
  if (!ch) throw new Error("the exec agent did not start in the base image");
  console.log(`channel started in ${ms(performance.now() - opened)}`);
  const viaDocker: number[] = [];
  const viaChannel: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    viaDocker.push(await timed(() => dockerExec(c, CMD)));
    viaChannel.push(await timed(() => ch.run(CMD)));
  }
  ch.close();
  console.log(`${RUNS} runs each of \`${CMD.join(" ")}\`, in turns:`);
  console.log(`  docker exec    median ${ms(median(viaDocker))}, slowest ${ms(Math.max(...viaDocker))}`);
  console.log(`  exec channel   median ${ms(median(viaChannel))}, slowest ${ms(Math.max(...viaChannel))}`);
  console.log(`  docker exec / channel: ${(median(viaDocker) / median(viaChannel)).toFixed(1)}x`);
} finally {
  await c.remove({ force: true }).catch(() => {});
}

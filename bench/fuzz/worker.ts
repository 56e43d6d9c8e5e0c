/**
 * The fuzzer's child process: runs inputs one at a time on the parent's request and reports, per
 * input, what the checks found, the CPU it took and the process's peak RSS after it (the parent
 * restarts the child when that peak is high, so each input's figure is its own).
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkError, checkOutput } from "./check.js";
import { generate, runTarget, type InputFile, type TargetName } from "./targets.js";

export interface Job {
  target: TargetName;
  runSeed: number;
  n: number;
}

export interface JobResult {
  n: number;
  target: TargetName;
  failures: string[];
  cpuMs: number;
  peakRssMB: number;
  bytes: number;
}

/** Runs one input in this process: the checks' findings, CPU and peak RSS. */
export async function runOne(target: TargetName, files: InputFile[], scratch: string) {
  const cpu0 = process.cpuUsage();
  let failures: string[];
  try {
    failures = checkOutput(await runTarget(target, files, scratch));
  } catch (e) {
    failures = checkError(e);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    failures,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

export function startWorker(): void {
  const scratch = join(tmpdir(), `backside-fuzz-${process.pid}`);
  process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
  // The parent going away (Ctrl-C, a crash) ends the child too.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (job: Job) => {
    void (async () => {
      const files = generate(job.target, job.runSeed, job.n);
      const r = await runOne(job.target, files, scratch);
      const bytes = files.reduce((a, f) => a + f.bytes.length, 0);
      const res: JobResult = { n: job.n, target: job.target, bytes, ...r };
      process.send!(res);
    })();
  });
  process.send!({ ready: true });
}

/**
 * Mutation fuzzer over the capture reader and decoders, the flow analysis, the log parser, the
 * error-report parser and `diagnose`, seeded from the engine's golden run bundles plus the size
 * classes in bench/fuzz/huge.ts.
 *
 *   npm run fuzz -- [--seconds N] [--target reader,flows,log,report,diagnose] [--seed S]
 *   npx tsx bench/fuzz.ts --replay DIR --target T        (one kept input, in this process)
 *
 * Inputs run in a child process, one at a time. A failure is an error that is not a BacksideError,
 * an output with NaN, undefined, a non-ISO time or an empty statement, more than 5 s of CPU or
 * 300 MB of peak RSS for one input, or a child that stops answering (killed after 60 s). Each
 * failing input is kept in .cache/fuzz/failures/ with a one-line reproduction. Exit 1 when any
 * input failed.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeAllHuge } from "./fuzz/huge.js";
import { TARGETS, generate, knownOverLimits, type InputFile, type TargetName } from "./fuzz/targets.js";
import { runOne, startWorker, type Job, type JobResult } from "./fuzz/worker.js";

const CPU_LIMIT_MS = 5000;
const RSS_LIMIT_MB = 300;
/** A child whose peak RSS passed this is replaced, so the next input's peak is its own. */
const RESTART_RSS_MB = 200;
const HANG_MS = 60_000;
const FAILURES = ".cache/fuzz/failures";
const self = fileURLToPath(import.meta.url);

interface Stats {
  tried: number;
  failed: number;
  /** Over a limit in a size class listed in KNOWN_OVER_LIMITS (reported, not a failure). */
  known: number;
  slowestMs: number;
  slowestN: number;
  peakRssMB: number;
}

class Child {
  readonly proc: ChildProcess;
  private pending?: (r: JobResult | undefined) => void;
  ready: Promise<void>;
  constructor() {
    this.proc = fork(self, ["--worker"], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise((res) => this.proc.once("message", () => res()));
    this.proc.on("message", (m: JobResult | { ready: true }) => {
      if ("n" in m) this.pending?.(m);
    });
    this.proc.on("exit", () => this.pending?.(undefined));
  }
  /** The result, or undefined when the child died or hung (it is killed then). */
  async run(job: Job): Promise<JobResult | undefined> {
    await this.ready;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.proc.kill("SIGKILL");
        resolve(undefined);
      }, HANG_MS);
      this.pending = (r) => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve(r);
      };
      this.proc.send(job);
    });
  }
  stop(): void {
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
  }
}

function keep(job: Job, files: InputFile[], why: string[]): string {
  const dir = join(FAILURES, `${job.target}-${job.runSeed}-${job.n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
  const repro = `npx tsx bench/fuzz.ts --replay ${dir} --target ${job.target}`;
  writeFileSync(join(dir, "REPRODUCE"), `${repro}\n${why.join("\n")}\n`);
  return repro;
}

function overLimits(r: JobResult): string[] {
  const out = [...r.failures];
  if (r.cpuMs > CPU_LIMIT_MS)
    out.push(`${(r.cpuMs / 1000).toFixed(1)} s of CPU (limit ${CPU_LIMIT_MS / 1000} s)`);
  if (r.peakRssMB > RSS_LIMIT_MB)
    out.push(`peak RSS ${r.peakRssMB.toFixed(0)} MB (limit ${RSS_LIMIT_MB} MB)`);
  return out;
}

async function fuzz(seconds: number, targets: TargetName[], runSeed: number): Promise<number> {
  makeAllHuge();
  const stats = new Map<TargetName, Stats>(
    targets.map((t) => [t, { tried: 0, failed: 0, known: 0, slowestMs: 0, slowestN: -1, peakRssMB: 0 }]),
  );
  const deadline = Date.now() + seconds * 1000;
  let child = new Child();
  const fresh = () => {
    child.stop();
    child = new Child();
  };
  let n = 0;
  // Bounded by the deadline: one input per pass.
  while (Date.now() < deadline) {
    const target = targets[n % targets.length];
    const job: Job = { target, runSeed, n: Math.floor(n / targets.length) };
    n++;
    const st = stats.get(target)!;
    let r = await child.run(job);
    let why = r ? overLimits(r) : [`no answer within ${HANG_MS / 1000} s, or the child died`];
    if (r && why.length && r.failures.length === 0) {
      // Over a limit only: run it again alone in a fresh child, so no earlier input is counted in.
      fresh();
      r = await child.run(job);
      why = r ? overLimits(r) : why;
    }
    st.tried++;
    if (r) {
      if (r.cpuMs > st.slowestMs) [st.slowestMs, st.slowestN] = [r.cpuMs, job.n];
      st.peakRssMB = Math.max(st.peakRssMB, r.peakRssMB);
    }
    const known =
      why.length && r && r.failures.length === 0
        ? knownOverLimits(generate(target, runSeed, job.n))
        : undefined;
    if (known) {
      st.known++;
      console.log(`KNOWN ${target} #${job.n}: ${why.join("; ")} — ${known}`);
    } else if (why.length) {
      st.failed++;
      const repro = keep(job, generate(job.target, job.runSeed, job.n), why);
      console.log(`FAIL ${target} #${job.n}: ${why.join("; ")}\n     ${repro}`);
    }
    if (!r || r.peakRssMB > RESTART_RSS_MB) fresh();
  }
  child.stop();
  let failed = 0;
  console.log(`\nfuzz: ${seconds} s, seed ${runSeed}`);
  console.log("target     inputs  failures  known  slowest CPU (input)   peak RSS");
  for (const [t, s] of stats) {
    failed += s.failed;
    console.log(
      `${t.padEnd(10)} ${String(s.tried).padStart(6)}  ${String(s.failed).padStart(8)}  ${String(s.known).padStart(5)}  ${(s.slowestMs / 1000).toFixed(2).padStart(7)} s (#${s.slowestN})`.padEnd(
        53,
      ) + `${s.peakRssMB.toFixed(0).padStart(5)} MB`,
    );
  }
  console.log(failed ? `${failed} failing input(s) kept in ${FAILURES}` : "no failures");
  return failed ? 1 : 0;
}

async function replay(dir: string, target: TargetName): Promise<number> {
  const files = readdirSync(dir)
    .filter((f) => f !== "REPRODUCE")
    .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) }));
  const r = await runOne(target, files, join(tmpdir(), `backside-fuzz-replay-${process.pid}`));
  const why = overLimits({ ...r, n: 0, target, bytes: 0 });
  console.log(
    `${target} ${dir}: ${(r.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
  );
  console.log(why.length ? why.join("\n") : "ok");
  return why.length ? 1 : 0;
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes("=") ? argv[i].slice(name.length + 1) : argv[i + 1];
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--worker")) {
    startWorker();
    return -1;
  }
  const targetArg = arg(argv, "--target");
  const targets = (targetArg ? targetArg.split(",") : [...TARGETS]) as TargetName[];
  for (const t of targets)
    if (!TARGETS.includes(t)) {
      console.error(`fuzz: unknown target '${t}' (one of ${TARGETS.join(", ")})`);
      return 2;
    }
  const replayDir = arg(argv, "--replay");
  if (replayDir) return replay(replayDir, targets[0]);
  const seconds = Number(arg(argv, "--seconds") ?? 60);
  const seed = Number(arg(argv, "--seed") ?? Date.now() % 1_000_000);
  if (!(seconds > 0) || !Number.isInteger(seed)) {
    console.error("fuzz: --seconds must be a positive number and --seed an integer");
    return 2;
  }
  return fuzz(seconds, targets, seed);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    console.error(e);
    process.exit(70);
  },
);

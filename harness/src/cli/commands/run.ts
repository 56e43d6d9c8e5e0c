/**
 * `backside run [NAME...|--all] [--tag TAG] [--grep PATTERN] [--shard K/N] [--parallel N] ...`:
 * runs scenarios end to end and writes the reports. Exit 0 when every run matched its expected label, 1 when
 * any did not; a harness failure exits with its code from errors.ts; Ctrl-C stops the runs
 * (each collects what it has and tears down), writes the reports marked partial, exits 130.
 */
import Docker from "dockerode";
import { BacksideError, ErrorCodes, type ErrorCode } from "../../errors.js";
import { defaultScenarioDir, DEFAULT_SCENARIO_DIR } from "../../scenarios/index.js";
import {
  runCatalogue,
  makeReportDir,
  linkLatest,
  summaryCounts,
  RunLedger,
  type RunSummary,
} from "../../runner/index.js";
import {
  ReporterMultiplexer,
  ConsoleReporter,
  JsonReporter,
  JUnitReporter,
  HtmlReporter,
} from "../../reporters/index.js";
import { diagnose } from "../../engine/diagnose.js";
import { analyzeCapture } from "../../flows/index.js";
import { CleanupRegistry } from "../../util/cleanup-registry.js";
import { NODES } from "../../topology/plan.js";
import { imageRef } from "../../images/catalog.js";
import { engineAddress } from "../../images/docker-client.js";
import { helpText, intOption, parseOptions, type OptionTable } from "../options.js";
import { GATEWAY_KINDS, type GatewayKind, type Scenario } from "../../scenarios/schema.js";
import { gatewayAdapter } from "../../runner/gateways/index.js";
import { gatewayOf } from "../../runner/run-scenario.js";
import { defaultParallel } from "../../runner/default-parallel.js";
import type { Shard } from "../../runner/shard-scenarios.js";
import { narrowArgs, selectScenarios, SELECTION_OPTIONS } from "./run-selection.js";

export const summary =
  "run scenarios end to end and write reports (console, report.json, junit.xml, index.html)";

export const options = {
  all: { type: "boolean", help: "every scenario in the catalogue" },
  ...SELECTION_OPTIONS,
  "fail-fast": {
    type: "boolean",
    help: "start no more scenarios once one has failed (running ones finish; the rest are not run)",
  },
  keep: {
    type: "boolean",
    help: "leave the topology of a failed scenario up for a look (implies --fresh); prints how to reach and remove it",
  },
  parallel: {
    type: "string",
    metavar: "N",
    help: "scenarios at once (default: from the machine's cores and free memory, shown on the first line)",
  },
  repeat: { type: "string", metavar: "N", help: "run each scenario N times (default 1)" },
  "report-dir": {
    type: "string",
    metavar: "DIR",
    help: "where to write (default reports/<timestamp>/, and reports/latest)",
  },
  gateway: {
    type: "string",
    metavar: "KIND",
    help: "backside (the appliance stand-in, default), nginx, haproxy, or all (each scenario once per gateway); a scenario's gateway.kind pins its own",
  },
  dir: { type: "string", metavar: "DIR", help: `scenario folder (default ${DEFAULT_SCENARIO_DIR}/)` },
  fresh: {
    type: "boolean",
    help: "a new topology for every scenario (default: reuse one of the same shape, reset and checked clean)",
  },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside run [NAME...|--all|--tag TAG|--grep PATTERN] [options]",
    "",
    "  NAME...  scenarios to run (see `backside list`)",
  ],
  options,
  "Exit codes: 0 every run matched, 1 some mismatched, 130 interrupted, others as in README.",
);

export interface RunArgs {
  names: string[];
  all: boolean;
  tags: string[];
  grep?: string;
  shard?: Shard;
  durations?: string;
  failFast: boolean;
  keep: boolean;
  /** Undefined: chosen from the machine (default-parallel.ts). */
  parallel?: number;
  repeats: number;
  gateways: GatewayKind[];
  reportDir?: string;
  dir: string;
  fresh: boolean;
}

function gatewayFlag(v: string | undefined): GatewayKind[] {
  if (v === "all") return [...GATEWAY_KINDS];
  const kind = GATEWAY_KINDS.find((k) => k === v);
  if (!kind)
    throw new BacksideError("USAGE", `run: --gateway must be one of ${GATEWAY_KINDS.join(", ")}, all`);
  return [kind];
}

export function parseRunArgs(argv: string[]): RunArgs | "help" {
  const parsed = parseOptions("run", options, argv, { positionals: true });
  if (parsed === "help") return "help";
  const v = parsed.values;
  const a: RunArgs = {
    names: parsed.positionals,
    all: v.all === true,
    ...narrowArgs("run", v),
    failFast: v["fail-fast"] === true,
    keep: v.keep === true,
    parallel: v.parallel === undefined ? undefined : intOption("run", "--parallel", v.parallel, 1, 16),
    repeats: v.repeat === undefined ? 1 : intOption("run", "--repeat", v.repeat, 1, 100),
    gateways: v.gateway === undefined ? ["backside"] : gatewayFlag(v.gateway),
    reportDir: v["report-dir"],
    dir: v.dir ?? defaultScenarioDir(),
    fresh: v.fresh === true,
  };
  if (a.all && a.names.length)
    throw new BacksideError("USAGE", "run: give scenario names or --all, not both");
  if (!a.all && !a.names.length && !a.tags.length && a.grep === undefined)
    throw new BacksideError("USAGE", "run: name at least one scenario, or --all, --tag or --grep", {
      hint: "`backside list` shows them",
    });
  return a;
}

export async function checkEnvironment(
  docker: Docker,
  gateways: readonly GatewayKind[] = ["backside"],
): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    throw new BacksideError("ENVIRONMENT", `no Docker engine reachable at ${engineAddress()}`, {
      cause: e,
      hint: "start dockerd (npm run setup) and check `docker info`",
    });
  }
  const images = [
    ...NODES.map((n) => imageRef(n)),
    ...gateways.filter((g) => g !== "backside" && g !== "custom").map(imageRef),
  ];
  for (const image of images) {
    try {
      await docker.getImage(image).inspect();
    } catch (e) {
      throw new BacksideError("ENVIRONMENT", `image ${image} is not present`, {
        cause: e,
        hint: "build the images: `backside images build`",
      });
    }
  }
}

export function exitCodeFor(s: RunSummary): number {
  if (s.interrupted) return ErrorCodes.INTERRUPTED.exit;
  const errored = s.results.find((r) => r.error && r.diagnosed === null);
  if (errored?.error && errored.error.code in ErrorCodes && summaryCounts(s.results).matched === 0)
    return ErrorCodes[errored.error.code as ErrorCode].exit;
  const ran = s.results.filter((r) => r.notApplicable === undefined);
  return ran.length > 0 && ran.every((r) => r.match) ? 0 : 1;
}

/**
 * Before the run, one line per gateway: the settings it cannot honour (the runs go ahead without
 * them), each with the scenarios that set them, and the scenarios it cannot produce at all
 * (reported as not applicable).
 */
export function gatewayNotes(scenarios: readonly Scenario[], chosen: readonly GatewayKind[]): string[] {
  const byGateway = new Map<GatewayKind, { settings: Map<string, string[]>; na: string[] }>();
  for (const s of scenarios)
    for (const kind of new Set(chosen.map((g) => gatewayOf(s, g)))) {
      const a = gatewayAdapter(kind, s);
      const notes = byGateway.get(kind) ?? { settings: new Map<string, string[]>(), na: [] };
      byGateway.set(kind, notes);
      if (a.notApplicable(s) !== undefined) notes.na.push(s.name);
      else
        for (const u of a.unsupported(s)) notes.settings.set(u, [...(notes.settings.get(u) ?? []), s.name]);
    }
  const names = (list: string[]) => (list.length > 3 ? `${list.length} scenarios` : list.join(", "));
  const out: string[] = [];
  for (const [kind, n] of byGateway) {
    if (n.settings.size)
      out.push(
        `${kind}: cannot honour ${[...n.settings].map(([u, list]) => `${u} [${names(list)}]`).join("; ")}`,
      );
    if (n.na.length) out.push(`${kind}: not applicable (see the report for why): ${n.na.join(", ")}`);
  }
  return out;
}

const planned = (s: RunSummary) => s.results.length + s.notRun.length;

/** Resolves when `p` settles or after `ms`, whichever is first. */
function bounded(p: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const stop = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([p, stop]).finally(() => clearTimeout(timer));
}

export async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  // A broken file stops `--all` (and a filter over the catalogue); a run of named scenarios only warns.
  const selection = selectScenarios(args, (l) => process.stderr.write(`backside: ${l}\n`));
  const scenarios = selection.scenarios;
  const auto = args.parallel === undefined ? defaultParallel() : undefined;
  const parallel = args.parallel ?? auto!.parallel;
  const docker = new Docker();
  const gateways = [...new Set(scenarios.flatMap((sc) => args.gateways.map((g) => gatewayOf(sc, g))))];
  await checkEnvironment(docker, gateways);
  for (const line of gatewayNotes(scenarios, args.gateways)) process.stderr.write(`${line}\n`);
  const { dir, isDefault } = makeReportDir(args.reportDir);
  if (isDefault) linkLatest(dir);

  const registry = new CleanupRegistry();
  const abort = new AbortController();
  const ledger = new RunLedger();
  const reporter = new ReporterMultiplexer([
    new ConsoleReporter(process.stdout, {
      parallel: auto ? `default: ${auto.reason}; --parallel N to choose` : undefined,
      selection: selection.note,
    }),
    new JsonReporter(undefined, { shard: args.shard }),
    new JUnitReporter(),
    new HtmlReporter((paths) => analyzeCapture(paths, { ignoreChecksums: true })),
  ]);
  // A forced end still leaves reports saying the run was interrupted and what did not finish.
  const forceExit = () =>
    void Promise.allSettled([
      bounded(
        Promise.resolve(ledger.summary(true)).then((s) => s && reporter.onRunEnd(s)),
        10_000,
      ),
      registry.stopAll(),
    ]).finally(() => process.exit(130));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(
        `\nbackside: ${sig}: stopping; running scenarios collect what they have and tear down (again to force)\n`,
      );
      abort.abort();
      // Bounded: if the graceful stop hangs, remove everything and leave.
      setTimeout(forceExit, 90_000).unref();
    } else if (signals === 2) {
      process.stderr.write(`backside: ${sig} again: writing the reports and removing containers now\n`);
      forceExit();
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const s = await runCatalogue({
      scenarios,
      gateways: args.gateways,
      repeats: args.repeats,
      parallel,
      reportDir: dir,
      reporter,
      diagnose,
      docker,
      registry,
      signal: abort.signal,
      ledger,
      failFast: args.failFast,
      keep: args.keep,
      reuse: !args.fresh,
    });
    if (args.failFast && s.notRun.length && !s.interrupted)
      process.stderr.write(
        `backside: --fail-fast: ${s.notRun.length} scenario run(s) not started after a failure\n`,
      );
    // A share of the catalogue can be empty (more shards than scenarios): nothing ran, nothing failed.
    if (planned(s) === 0 && args.shard) return 0;
    return exitCodeFor(s);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await registry.stopAll().catch(() => undefined);
  }
}

/**
 * `backside clean [--all] [--dry-run] [--run ID...]`: removes containers and networks labelled
 * `backside.project=backside` whose owning process is dead on this host. Live runs, runs made
 * on another host and hand-made labs (docker-compose.yml, no owner pid) are kept unless --all.
 */
import Docker from "dockerode";
import { BacksideError } from "../../errors.js";
import { sweep } from "../../topology/sweep.js";
import { engineAddress } from "../../images/docker-client.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const summary = "remove containers and networks left by dead runs (--all: every backside resource)";

export const options = {
  all: { type: "boolean", help: "also live runs, other hosts' runs and docker-compose labs" },
  "dry-run": { type: "boolean", short: "n", help: "only print what would be removed" },
  run: { type: "string", metavar: "ID", multiple: true, help: "only this run" },
} satisfies OptionTable;

export const help = helpText(
  [
    "usage: backside clean [--all] [--dry-run] [--run ID...]",
    "",
    "  Removes backside containers, then networks, whose run's process is no longer alive.",
  ],
  options,
);

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions("clean", options, argv);
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const all = parsed.values.all === true;
  const dryRun = parsed.values["dry-run"] === true;
  const runIds = parsed.values.run ?? [];
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (e) {
    throw new BacksideError("ENVIRONMENT", `no Docker engine reachable at ${engineAddress()}`, {
      cause: e,
      hint: "start dockerd and check `docker info`",
    });
  }
  const r = await sweep(docker, { all, dryRun, runIds: runIds.length ? runIds : undefined });
  const verb = dryRun ? "would remove" : "removed";
  for (const x of r.removed)
    process.stdout.write(`${verb} ${x.kind} ${x.name} (run ${x.run}, owner ${x.owner})\n`);
  for (const x of r.failed)
    process.stderr.write(`could not remove ${x.kind} ${x.name} (run ${x.run}): ${x.error}\n`);
  const keptRuns = new Set(r.kept.map((x) => x.run));
  process.stdout.write(
    `${r.removed.length} ${dryRun ? "to remove" : "removed"}, ${r.kept.length} kept` +
      (keptRuns.size
        ? ` (runs still alive or not ours: ${[...keptRuns].join(", ")}; --all removes them)`
        : "") +
      "\n",
  );
  if (r.failed.length > 0) {
    throw new BacksideError("RUNTIME", `clean: ${r.failed.length} resource(s) could not be removed`);
  }
  return 0;
}

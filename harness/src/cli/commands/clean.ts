/**
 * `backside clean [--all] [--dry-run] [--run ID...]`: removes containers and networks labelled
 * `backside.project=backside` whose owning process is dead on this host. Live runs, runs made
 * on another host and hand-made labs (docker-compose.yml, no owner pid) are kept unless --all.
 */
import Docker from "dockerode";
import { BacksideError } from "../../errors.js";
import { sweep } from "../../topology/sweep.js";

export const summary = "remove containers and networks left by dead runs (--all: every backside resource)";

const HELP = `usage: backside clean [--all] [--dry-run] [--run ID...]

  Removes backside containers, then networks, whose run's process is no longer alive.
  --all       also live runs, other hosts' runs and docker-compose labs
  --dry-run   only print what would be removed
  --run ID    only these runs (repeatable)`;

export async function run(argv: string[]): Promise<number> {
  let all = false;
  let dryRun = false;
  const runIds: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(HELP + "\n");
      return 0;
    } else if (a === "--all") all = true;
    else if (a === "--dry-run" || a === "-n") dryRun = true;
    else if (a === "--run") {
      const id = argv[++i];
      if (!id) throw new BacksideError("USAGE", "clean: --run needs a run id");
      runIds.push(id);
    } else
      throw new BacksideError("USAGE", `clean: unknown option '${a}'`, {
        hint: "run `backside clean --help`",
      });
  }
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (e) {
    throw new BacksideError("ENVIRONMENT", "no Docker engine reachable", {
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

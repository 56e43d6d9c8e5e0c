import type Docker from "dockerode";
import { liveness, type Liveness } from "../util/process-identity.js";
import { LABEL, labelFilter } from "./labels.js";

export interface SweepOptions {
  /** Remove every backside resource, live runs included. */
  all?: boolean;
  /** Only these runs (tests sweep their own), still subject to `all`/liveness unless `all`. */
  runIds?: string[];
  /** List, do not remove. */
  dryRun?: boolean;
}

export interface SweptResource {
  kind: "container" | "network";
  name: string;
  run: string;
  /** Why it was (or would be) removed. */
  owner: Liveness | "manual";
}

export interface SweepResult {
  removed: SweptResource[];
  kept: SweptResource[];
  failed: Array<SweptResource & { error: string }>;
}

function ownerState(labels: Record<string, string> | undefined): Liveness | "manual" {
  const l = labels ?? {};
  // Resources without an owner pid were made by hand (docker-compose.yml): only --all removes them.
  if (!l[LABEL.pid]) return "manual";
  return liveness({ host: l[LABEL.host], pid: Number(l[LABEL.pid]), start: l[LABEL.pidStart] });
}

/**
 * Removes containers, then networks, labelled `backside.project=backside` whose owning process
 * is dead on this host (or all of them with `all`). Live runs, runs of other hosts and
 * hand-made labs are kept unless `all`.
 */
export async function sweep(docker: Docker, opts: SweepOptions = {}): Promise<SweepResult> {
  const result: SweepResult = { removed: [], kept: [], failed: [] };
  const wanted = (run: string) => !opts.runIds || opts.runIds.includes(run);
  const doomed = (state: Liveness | "manual") => opts.all || state === "dead";

  const containers = await docker.listContainers({ all: true, filters: labelFilter() });
  await Promise.all(
    containers.map(async (c) => {
      const run = c.Labels?.[LABEL.run] ?? "?";
      if (!wanted(run)) return;
      const r: SweptResource = {
        kind: "container",
        name: (c.Names?.[0] ?? c.Id).replace(/^\//, ""),
        run,
        owner: ownerState(c.Labels),
      };
      if (!doomed(r.owner)) return void result.kept.push(r);
      if (opts.dryRun) return void result.removed.push(r);
      try {
        await docker.getContainer(c.Id).remove({ force: true, v: true });
        result.removed.push(r);
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return;
        result.failed.push({ ...r, error: (e as Error).message });
      }
    }),
  );

  const networks = await docker.listNetworks({ filters: labelFilter() });
  await Promise.all(
    networks.map(async (n) => {
      const run = n.Labels?.[LABEL.run] ?? "?";
      if (!wanted(run)) return;
      const r: SweptResource = { kind: "network", name: n.Name, run, owner: ownerState(n.Labels) };
      if (!doomed(r.owner)) return void result.kept.push(r);
      if (opts.dryRun) return void result.removed.push(r);
      try {
        await docker.getNetwork(n.Id).remove();
        result.removed.push(r);
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return;
        result.failed.push({ ...r, error: (e as Error).message });
      }
    }),
  );
  const order = (a: SweptResource, b: SweptResource) =>
    a.run.localeCompare(b.run) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);
  result.removed.sort(order);
  result.kept.sort(order);
  return result;
}
